//! Oracle test: on every shell-form `RUN` body (and `RUN <<EOF` body) of the real-Dockerfile
//! corpus, the sequence of command names from `layerlint_shell` must match
//! tree-sitter-bash's in a high share of bodies (measured: 99.54% and 100%). Skips (with a
//! message) when the corpus is absent.
//!
//! Compared: names as written (quotes kept) of the commands in the script's own text, in
//! order of appearance. Not compared: commands inside `sh -c` strings (tree-sitter does
//! not look into strings), `[`/`[[` tests (tree-sitter has `test_command` nodes for
//! them) and commands without a name. tree-sitter's `declaration_command` (`export`,
//! `declare`, `local`, `readonly`, `typeset`) and `unset_command` count as commands.
//! The categories of disagreement are documented in `ORACLE.md`.
//!
//! `LAYERLINT_ORACLE_REPORT=path` writes every disagreement to `path`;
//! `LAYERLINT_ORACLE_ARGS=1` also compares argument counts (diagnostic; see `ORACLE.md`).

#[path = "support/corpus.rs"]
mod corpus;

use layerlint_shell::TextId;

fn tree_sitter_names(parser: &mut tree_sitter::Parser, text: &str) -> (Vec<String>, bool) {
    let Some(tree) = parser.parse(text, None) else {
        return (Vec::new(), true);
    };
    let mut names = Vec::new();
    let mut cursor = tree.walk();
    loop {
        let node = cursor.node();
        let name_node = match node.kind() {
            "command" => node.child_by_field_name("name"),
            "declaration_command" | "unset_command" => node.child(0),
            _ => None,
        };
        if let Some(name) = name_node {
            let mut entry = text[name.byte_range()].to_owned();
            if node.kind() == "command" && std::env::var_os("LAYERLINT_ORACLE_ARGS").is_some() {
                let mut cursor = node.walk();
                let argc = node.children_by_field_name("argument", &mut cursor).count();
                entry.push_str(&format!("/{argc}"));
            }
            names.push(entry);
        }
        if cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return (names, tree.root_node().has_error());
            }
        }
    }
}

fn our_names(text: &str) -> (Vec<String>, bool) {
    let script = layerlint_shell::parse_str(text);
    let names = script
        .commands()
        .filter(|c| c.text_id() == TextId::ROOT)
        .filter(|c| {
            c.name_word()
                .is_some_and(|w| w.text() != "[" && w.text() != "[[")
        })
        .map(|c| {
            let mut entry = c
                .name_word()
                .map(|w| w.text().to_owned())
                .unwrap_or_default();
            let declaration = ["export", "declare", "local", "readonly", "typeset", "unset"];
            if std::env::var_os("LAYERLINT_ORACLE_ARGS").is_some()
                && !declaration.contains(&entry.as_str())
            {
                entry.push_str(&format!("/{}", c.args().count()));
            }
            entry
        })
        .collect();
    (names, script.has_errors())
}

#[test]
fn command_names_agree_with_tree_sitter_bash() {
    let Some(dir) = corpus::corpus_dir() else {
        println!("oracle: corpus directory absent; skipped");
        return;
    };
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&tree_sitter_bash::LANGUAGE.into())
        .expect("tree-sitter-bash loads");
    let files = corpus::corpus_files(&dir);
    let mut report = String::new();
    let run = compare(&mut parser, &files, corpus::run_bodies, &mut report);
    let heredoc = compare(&mut parser, &files, corpus::run_heredoc_bodies, &mut report);
    if let Some(path) = std::env::var_os("LAYERLINT_ORACLE_REPORT") {
        std::fs::write(path, &report).expect("report written");
    }
    let rate = run.print("RUN bodies");
    let heredoc_rate = heredoc.print("RUN heredoc bodies");
    assert!(run.compared > 4000, "too few RUN bodies: {}", run.compared);
    assert!(
        rate >= 0.99,
        "agreement {rate:.4} on RUN bodies is below 0.99"
    );
    assert!(
        heredoc.compared > 100,
        "too few heredoc bodies: {}",
        heredoc.compared
    );
    assert!(
        heredoc_rate >= 0.95,
        "agreement {heredoc_rate:.4} on heredoc bodies is below 0.95"
    );
}

#[derive(Default)]
struct Tally {
    compared: usize,
    agreeing: usize,
    ts_errors: usize,
    our_errors: usize,
}

impl Tally {
    fn print(&self, what: &str) -> f64 {
        let rate = self.agreeing as f64 / self.compared.max(1) as f64;
        println!(
            "oracle: {} {what} compared, {} agreeing, {} disagreeing ({:.2}% agreement); \
             tree-sitter saw errors in {}, we in {}",
            self.compared,
            self.agreeing,
            self.compared - self.agreeing,
            rate * 100.0,
            self.ts_errors,
            self.our_errors,
        );
        rate
    }
}

fn compare(
    parser: &mut tree_sitter::Parser,
    files: &[(std::path::PathBuf, String)],
    extract: fn(&str) -> Vec<layerlint_text::MappedText>,
    report: &mut String,
) -> Tally {
    let mut tally = Tally::default();
    for (path, source) in files {
        for body in extract(source) {
            let text = body.as_str();
            let (theirs, their_error) = tree_sitter_names(parser, text);
            let (ours, our_error) = our_names(text);
            tally.compared += 1;
            tally.ts_errors += usize::from(their_error);
            tally.our_errors += usize::from(our_error);
            if theirs == ours {
                tally.agreeing += 1;
                continue;
            }
            let file = path.file_name().unwrap_or_default().to_string_lossy();
            report.push_str(&format!(
                "== {file}\n{text}\n  tree-sitter{}: {theirs:?}\n  ours{}:        {ours:?}\n",
                if their_error { " (ERROR)" } else { "" },
                if our_error { " (errors)" } else { "" },
            ));
        }
    }
    tally
}
