//! Oracle test: on every shell-form `RUN` body of the real-Dockerfile corpus, the sequence
//! of command names from `layerlint_shell` must match tree-sitter-bash's in a high share
//! of bodies. Skips (with a message) when the corpus is absent.
//!
//! Compared: names as written (quotes kept) of the commands in the script's own text, in
//! order of appearance. Not compared: commands inside `sh -c` strings (tree-sitter does
//! not look into strings), `[`/`[[` tests (tree-sitter has `test_command` nodes for
//! them) and commands without a name. tree-sitter's `declaration_command` (`export`,
//! `declare`, `local`, `readonly`, `typeset`) and `unset_command` count as commands.
//! The categories of disagreement are documented in `ORACLE.md`.
//!
//! `LAYERLINT_ORACLE_REPORT=path` writes every disagreement to `path`.

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
            names.push(text[name.byte_range()].to_owned());
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
        .filter_map(|c| c.name_word())
        .map(|w| w.text().to_owned())
        .filter(|n| n != "[" && n != "[[")
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
    let (mut compared, mut agreeing) = (0usize, 0usize);
    let (mut ts_errors, mut our_errors) = (0usize, 0usize);
    let mut report = String::new();
    for (path, source) in corpus::corpus_files(&dir) {
        for body in corpus::run_bodies(&source) {
            let text = body.as_str();
            let (theirs, their_error) = tree_sitter_names(&mut parser, text);
            let (ours, our_error) = our_names(text);
            compared += 1;
            ts_errors += usize::from(their_error);
            our_errors += usize::from(our_error);
            if theirs == ours {
                agreeing += 1;
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
    let disagreeing = compared - agreeing;
    let rate = agreeing as f64 / compared.max(1) as f64;
    println!(
        "oracle: {compared} RUN bodies compared, {agreeing} agreeing, {disagreeing} disagreeing \
         ({:.2}% agreement); tree-sitter saw errors in {ts_errors}, we in {our_errors}",
        rate * 100.0
    );
    if let Some(path) = std::env::var_os("LAYERLINT_ORACLE_REPORT") {
        std::fs::write(path, &report).expect("report written");
    }
    assert!(compared > 1000, "too few RUN bodies: {compared}");
    assert!(rate >= 0.97, "agreement {rate:.4} is below 0.97");
}
