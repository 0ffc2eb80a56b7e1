use std::path::Path;
use layerlint_linter::fix::fix_file;
use layerlint_linter::{Applicability, BuildContext, Rule, Settings, Target, lint_target};
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = Path::new(&args[1]);
    let source = std::fs::read_to_string(path).unwrap();
    let dir = path.with_extension("context");
    let context = if dir.is_dir() { Some(BuildContext::on_disk(&dir, Some(path))) } else { None };
    let mut settings = Settings::default();
    for name in &args[2..] { settings.set_enabled(Rule::from_code_or_name(name).unwrap(), true); }
    let target = Target { path: Some(path), context: context.as_ref() };
    let mut current = source.clone();
    for pass in 0..4 {
        let r = lint_target(&current, &target, &settings);
        println!("--- pass {pass}");
        for d in &r.diagnostics { println!("{} {} {:?} fix={:?}", d.rule.code, d.message, d.note, d.fix.as_ref().map(|f| (&f.title, &f.edits))); }
        let o = fix_file(&current, &target, &settings, Applicability::Unsafe);
        if pass == 0 { println!("{:?}", o.not_converged); }
        println!("{}", o.source);
        break;
    }
    let _ = &mut current;
}
