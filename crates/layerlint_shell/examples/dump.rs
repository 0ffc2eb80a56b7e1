//! Prints the command view of a script: `cargo run -p layerlint_shell --example dump -- 'a | b'`
//! (or the script on standard input).

use std::io::Read;

fn main() {
    let mut text = std::env::args().nth(1).unwrap_or_default();
    if text.is_empty() {
        let _ = std::io::stdin().read_to_string(&mut text);
    }
    let script = layerlint_shell::parse_str(&text);
    for c in script.commands() {
        let words: Vec<_> = c.words().map(|w| w.value_lossy()).collect();
        let assignments: Vec<_> = c.assignments().map(|a| a.text()).collect();
        let redirects: Vec<_> = c.redirects().map(|r| r.text()).collect();
        println!(
            "#{} {:?} words={:?} assign={:?} redir={:?} sep={:?} pipe={:?}/{:?} parent={:?} ctx={:?} text={:?}",
            c.id().index(),
            c.range(),
            words,
            assignments,
            redirects,
            c.separator(),
            c.pipeline().map(|p| p.id().index()),
            c.pipe_index(),
            c.parent().map(|p| p.id().index()),
            c.context(),
            c.text_id().index(),
        );
    }
    for p in script.pipelines() {
        println!(
            "pipeline #{} {:?} {:?} sep={:?}",
            p.id().index(),
            p.text(),
            p.elements().collect::<Vec<_>>(),
            p.separator()
        );
    }
    for e in script.errors() {
        println!("error {:?}: {}", e.range, e);
    }
}
