//! The optimizer over the real-Dockerfile corpus (`../shared/corpus/real`, read in place;
//! skipped when absent). Each file gets the build context `CONTEXT.tsv` records for it
//! (its `.dockerignore` and the names at the top of the context, files empty) when it has
//! one. For every file the optimizer rewrites: the output parses, optimizing again changes
//! nothing, and the equivalence checker accepts the rewrite. Prints how many files get the
//! finding, how many a fix, why the others get none, and the dependency installs a
//! source-only edit re-runs before and after.

use std::collections::BTreeMap;
use std::path::PathBuf;

use layerlint_cache::classify::InstallKind;
use layerlint_cache::equivalence;
use layerlint_cache::model::LayerModel;
use layerlint_cache::optimize::{Optimizer, optimize_source};
use layerlint_cache::stage::FileWalk;
use layerlint_syntax::semantic::Semantic;

#[path = "support/context_tsv.rs"]
mod context_tsv;
use context_tsv::{contexts, corpus};

/// The reason for no fix, by kind.
fn category(reason: &str) -> &'static str {
    if reason.starts_with("the same RUN needs the sources") {
        "the install shares its RUN with a command that needs the sources"
    } else if reason.contains("needs the sources") && reason.starts_with("the RUN on line") {
        "a RUN between the copy and the install needs the sources"
    } else if reason.starts_with("copy go.mod")
        || reason.starts_with("build the dependencies first with cargo-chef")
        || reason.starts_with("copy pom.xml")
        || reason.starts_with("copy the Gradle")
        || reason.starts_with("copy the project files")
        || reason.starts_with("copy mix.exs")
        || reason.starts_with("install the")
    {
        "a build that downloads its dependencies, with no install step to move"
    } else if reason.contains("script") && reason.contains("package.json") {
        "an install script of package.json needs the sources"
    } else if reason.contains("poetry install") || reason.contains("uv sync") {
        "the install also installs the project itself (no --no-root / --no-install-project)"
    } else if reason.contains("composer") {
        "composer runs scripts or builds its autoloader from the sources"
    } else if reason.contains("Cargo reads every target") {
        "cargo fetch needs every target's sources"
    } else if reason.contains("local path")
        || reason.contains("local directory")
        || reason.contains("gemspec")
    {
        "the manifests install a local path of the project"
    } else if reason.contains("which the copy of the sources would lay over") {
        "the context holds what the install writes (node_modules, vendor)"
    } else if reason.contains("is not in the build context") {
        "a file the install needs is not in the build context"
    } else if reason.contains("also copied") {
        "the sources are copied twice before the install"
    } else if reason.contains("WORKDIR")
        || reason.contains("writes where the sources go")
        || reason.contains("VOLUME")
        || reason.contains("variable")
    {
        "the copy of the sources cannot move (WORKDIR, overlapping copy, variable)"
    } else if reason.contains("workspace") || reason.contains("umbrella") {
        "workspace members not known"
    } else if reason.contains("script layerlint cannot read") {
        "a RUN in between runs a script layerlint cannot read"
    } else {
        "other"
    }
}

#[test]
fn optimizer_over_the_corpus() {
    let Some(dir) = corpus() else {
        eprintln!("skipped: ../shared/corpus/real is not there (set LAYERLINT_CORPUS)");
        return;
    };
    let contexts = contexts(&dir);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".tsv") && !n.ends_with(".json") && !n.ends_with(".md"))
        .collect();
    names.sort();
    let mut files = 0;
    let mut with_finding = 0;
    let mut with_fix = 0;
    let mut without_fix = 0;
    let mut with_context = 0;
    let mut findings_total = 0;
    let mut fixed_findings = 0;
    let mut reasons: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut examples: BTreeMap<&'static str, String> = BTreeMap::new();
    let mut rewritten = 0;
    let mut installs_before = 0;
    let mut installs_after = 0;
    let mut problems: Vec<String> = Vec::new();
    for name in &names {
        let Ok(source) = std::fs::read_to_string(dir.join(name)) else {
            continue;
        };
        files += 1;
        let context = contexts.get(name);
        let parse = layerlint_syntax::parse(&source);
        let semantic = Semantic::new(&parse.file);
        let optimizer = Optimizer::new(&parse.file, &semantic, context);
        let findings = optimizer.findings();
        if findings.is_empty() {
            continue;
        }
        with_finding += 1;
        if std::env::var_os("LAYERLINT_VERBOSE").is_some() {
            for f in &findings {
                eprintln!(
                    "FINDING {name}\t{}\t{}",
                    f.command,
                    match &f.fix {
                        Ok(_) => "fix".to_owned(),
                        Err(e) => e.clone(),
                    }
                );
            }
        }
        with_context += usize::from(context.is_some());
        findings_total += findings.len();
        fixed_findings += findings.iter().filter(|f| f.fix.is_ok()).count();
        if findings.iter().any(|f| f.fix.is_ok()) {
            with_fix += 1;
        } else {
            without_fix += 1;
            let reason = findings[0].fix.as_ref().err().cloned().unwrap_or_default();
            let kind = category(&reason);
            *reasons.entry(kind).or_default() += 1;
            examples
                .entry(kind)
                .or_insert_with(|| format!("{name}: {reason}"));
        }
        let output = optimize_source(&source, context);
        if output == source {
            continue;
        }
        rewritten += 1;
        if let Some(out) = std::env::var_os("LAYERLINT_REWRITES") {
            let out = PathBuf::from(out);
            let _ = std::fs::create_dir_all(&out);
            let _ = std::fs::write(out.join(format!("{name}.before")), &source);
            let _ = std::fs::write(out.join(format!("{name}.after")), &output);
        }
        if !layerlint_syntax::parse(&output).parser_accepts() && parse.parser_accepts() {
            problems.push(format!("{name}: the rewrite does not parse"));
            continue;
        }
        if optimize_source(&output, context) != output {
            problems.push(format!("{name}: optimizing again changes the file"));
        }
        if let Err(errors) = equivalence::check(&source, &output, context) {
            problems.push(format!("{name}: {}", errors.join("; ")));
        }
        // A source-only edit: a new file in the directory the moved copy takes.
        let walk = FileWalk::new(&parse.file, &semantic);
        let probe = findings
            .iter()
            .filter(|f| f.fix.is_ok() && f.kind == InstallKind::Install)
            .find_map(|f| walk.step(f.copy).and_then(|s| s.copy.as_ref()))
            .and_then(|copy| {
                copy.sources
                    .iter()
                    .find(|s| optimizer.source_is_dir(copy, s))
                    .map(|s| {
                        if s.is_empty() {
                            "layerlint-probe.src".to_owned()
                        } else {
                            format!("{s}/layerlint-probe.src")
                        }
                    })
            });
        if let Some(probe) = probe {
            let before = LayerModel::of_source(&source, context);
            let after = LayerModel::of_source(&output, context);
            let changed = vec![probe];
            installs_before += before.installs_rerun(&before.rebuild(&changed));
            installs_after += after.installs_rerun(&after.rebuild(&changed));
        }
    }
    eprintln!("corpus files read: {files}");
    eprintln!(
        "files with the finding (LL201): {with_finding} ({with_context} with a build context from CONTEXT.tsv); findings: {findings_total}, {fixed_findings} with a fix"
    );
    eprintln!("files with a fix: {with_fix}; files where the optimizer rewrites: {rewritten}");
    eprintln!("files with findings but no fix: {without_fix}");
    for (reason, count) in &reasons {
        eprintln!("  {count:>4}  {reason}");
        eprintln!("        e.g. {}", examples[reason]);
    }
    eprintln!(
        "dependency installs re-run by a source-only edit, over the rewritten files: {installs_before} before, {installs_after} after"
    );
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(rewritten > 0);
    assert_eq!(
        installs_after, 0,
        "a rewrite still re-runs an install on a source edit"
    );
}
