//! The tutorial the optimizer is built for (`fixtures/seed/node-cache`): `COPY . .` before
//! `npm install`, `npx prisma generate` and `npm run build`, with a build context holding
//! `package.json` (with a build script), `package-lock.json`, `prisma/schema.prisma` and
//! `src/index.ts`. After `check --fix --unsafe-fixes` the install runs before the sources
//! are copied, prisma generate finds `prisma/`, the build runs after the sources, and an
//! edit of `src/index.ts` re-runs no install (one before).

use std::path::Path;

use layerlint_cache::report::CacheReport;
use layerlint_linter::fix::fix_file;
use layerlint_linter::{Applicability, BuildContext, Settings, Target};

fn seed() -> (std::path::PathBuf, String) {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/seed/node-cache/Dockerfile");
    let source = std::fs::read_to_string(&path).unwrap();
    (path, source)
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.trim() == needle)
        .unwrap_or_else(|| panic!("no line `{needle}` in\n{text}"))
}

#[test]
fn node_cache_before_and_after_the_fix() {
    let (path, source) = seed();
    let dir = path.parent().unwrap();
    let context = BuildContext::on_disk(dir, Some(&path));
    let changed = vec!["src/index.ts".to_owned()];

    let before = CacheReport::new(&source, "Dockerfile", Some(&context), &changed);
    assert_eq!(before.changes[0].as_written.installs_rerun, 1);
    insta::assert_snapshot!("node_cache_before", before.to_text());

    let target = Target {
        path: Some(&path),
        context: Some(&context),
    };
    let outcome = fix_file(
        &source,
        &target,
        &Settings::default(),
        Applicability::Unsafe,
    );
    assert!(outcome.not_converged.is_none());
    let fixed = &outcome.source;
    let install = line_of(fixed, "RUN npm ci");
    let sources = line_of(fixed, "COPY . .");
    let prisma_copy = line_of(fixed, "COPY prisma ./prisma");
    let generate = line_of(fixed, "RUN npx prisma generate");
    let build = line_of(fixed, "RUN npm run build");
    assert!(
        install < sources,
        "the install runs before the sources are copied"
    );
    assert!(
        prisma_copy < generate,
        "prisma generate runs with prisma/ present"
    );
    assert!(
        sources < build,
        "the build runs after the sources are copied"
    );

    let fixed_context = context.with_files(
        outcome
            .files
            .iter()
            .map(|(p, t)| (p.to_string_lossy().into_owned(), t.clone())),
    );
    let after = CacheReport::new(fixed, "Dockerfile", Some(&fixed_context), &changed);
    assert_eq!(after.changes[0].as_written.installs_rerun, 0);
    assert!(
        !after.optimizer_rewrites,
        "the fixed file is already optimal"
    );
    insta::assert_snapshot!("node_cache_after", after.to_text());

    // The default path asked about is the source file.
    let mut default = CacheReport::new(&source, "Dockerfile", Some(&context), &[]);
    assert_eq!(default.changes[0].path, "src/index.ts");
    // The context's absolute path differs between machines.
    default.context = None;
    insta::assert_snapshot!("node_cache_json", default.to_json());
}
