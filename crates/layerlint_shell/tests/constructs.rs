//! One test (or a few) per shell construct, with inline expectations.

use layerlint_shell::{
    Command, ElementKind, ExpansionKind, RedirectOp, Script, Separator, SyntaxErrorKind, parse_str,
};
use layerlint_text::TextRange;

fn names(script: &Script) -> Vec<&str> {
    script
        .commands()
        .map(|c| c.name_word().map_or("<none>", |w| w.value_lossy()))
        .collect()
}

fn args<'s>(c: Command<'s>) -> Vec<&'s str> {
    c.args().map(|w| w.value_lossy()).collect()
}

fn only(script: &Script) -> Command<'_> {
    assert_eq!(script.command_count(), 1, "{:?}", names(script));
    script.commands().next().unwrap()
}

fn range(start: usize, end: usize) -> TextRange {
    TextRange::from_usize(start, end)
}

// ----- quoting and words -----

#[test]
fn single_quotes() {
    let s = parse_str("echo 'a b' 'it''s' x'$y'z");
    let c = only(&s);
    assert_eq!(args(c), ["a b", "its", "x$yz"]);
    let w = c.arg(2).unwrap();
    assert!(w.flags().has_single_quotes());
    assert!(!w.flags().has_parameter());
    assert_eq!(w.value(), Some("x$yz"));
    assert_eq!(w.text(), "x'$y'z");
    assert!(!s.has_errors());
}

#[test]
fn double_quotes_and_escapes() {
    let s = parse_str(r#"echo "a \"b\" \$c \\ \x" a\ b \'"#);
    let c = only(&s);
    assert_eq!(args(c), [r#"a "b" $c \ \x"#, "a b", "'"]);
    let first = c.arg(0).unwrap();
    assert!(first.flags().has_double_quotes() && first.flags().has_escapes());
    assert!(first.is_static());
}

#[test]
fn ansi_c_quotes() {
    let s = parse_str(r#"printf $'a\tb\n\x41\'' $"x""#);
    let c = only(&s);
    assert_eq!(c.arg(0).unwrap().value(), Some("a\tb\nA'"));
    assert!(c.arg(0).unwrap().flags().has_ansi_c_quotes());
    assert_eq!(c.arg(1).unwrap().value(), Some("x"));
}

#[test]
fn parameter_expansions() {
    let s = parse_str(r#"echo $HOME "${PATH}:/x" pkg=${VERSION:-1.0} $1 $@ a$ "$""#);
    let c = only(&s);
    let home = c.arg(0).unwrap();
    assert!(home.flags().has_parameter());
    assert_eq!(home.value(), None);
    assert_eq!(home.value_lossy(), "$HOME");
    let path = c.arg(1).unwrap();
    assert_eq!(path.value_lossy(), "${PATH}:/x");
    let exps: Vec<_> = path.expansions().collect();
    assert_eq!(exps.len(), 1);
    assert_eq!(exps[0].kind, ExpansionKind::BracedParameter);
    assert_eq!(exps[0].text, "${PATH}");
    assert_eq!(exps[0].parameter_name(), Some("PATH"));
    let pkg = c.arg(2).unwrap();
    assert_eq!(pkg.static_prefix(), "pkg=");
    assert_eq!(
        pkg.expansions().next().unwrap().parameter_name(),
        Some("VERSION")
    );
    assert_eq!(
        c.arg(3)
            .unwrap()
            .expansions()
            .next()
            .unwrap()
            .parameter_name(),
        Some("1")
    );
    assert_eq!(
        c.arg(4)
            .unwrap()
            .expansions()
            .next()
            .unwrap()
            .parameter_name(),
        Some("@")
    );
    // A `$` that starts nothing is a literal.
    assert_eq!(c.arg(5).unwrap().value(), Some("a$"));
    assert_eq!(c.arg(6).unwrap().value(), Some("$"));
}

#[test]
fn braced_parameter_with_quotes_and_substitution_inside() {
    let s = parse_str(r#"echo "${X:-"$(id -u)"}" done"#);
    assert_eq!(names(&s), ["echo", "id"]);
    let echo = s.commands().next().unwrap();
    assert_eq!(args(echo).len(), 2);
    assert_eq!(echo.arg(1).unwrap().value(), Some("done"));
    let id = s.commands().nth(1).unwrap();
    assert_eq!(id.parent().unwrap().id(), echo.id());
    assert!(id.context().in_substitution());
}

#[test]
fn globs_braces_and_tilde() {
    let s = parse_str("rm -rf /var/lib/apt/lists/* '*.txt' file{1,2} ~/x a?b [ab]");
    let c = only(&s);
    let w: Vec<_> = c.args().collect();
    assert!(w[1].flags().has_glob());
    assert_eq!(w[1].value(), Some("/var/lib/apt/lists/*"));
    assert!(!w[2].flags().has_glob(), "quoted star");
    assert!(w[3].flags().has_brace());
    assert!(w[4].flags().has_tilde());
    assert!(w[5].flags().has_glob() && w[6].flags().has_glob());
}

#[test]
fn word_as_assignment() {
    let s = parse_str(r#"export FOO=bar "BAZ=a b" PATH="$PATH:/x" notone"#);
    let c = only(&s);
    assert!(c.is("export"));
    let a: Vec<_> = c.args().map(|w| w.as_assignment()).collect();
    assert_eq!(a[0], Some(("FOO", "bar")));
    assert_eq!(a[1], None, "a quoted name is not an assignment");
    assert_eq!(a[2], Some(("PATH", "$PATH:/x")));
    assert_eq!(a[3], None);
}

// ----- substitutions -----

#[test]
fn command_substitution_nested() {
    let s = parse_str("echo $(dirname $(readlink -f $(which python3)))");
    assert_eq!(names(&s), ["echo", "dirname", "readlink", "which"]);
    let cmds: Vec<_> = s.commands().collect();
    assert_eq!(cmds[1].parent().unwrap().id(), cmds[0].id());
    assert_eq!(cmds[2].parent().unwrap().id(), cmds[1].id());
    assert_eq!(cmds[3].parent().unwrap().id(), cmds[2].id());
    assert!(cmds[3].context().in_substitution());
    assert!(!cmds[0].context().in_substitution());
    assert_eq!(cmds[0].nested().count(), 3);
    assert_eq!(cmds[3].text(), "which python3");
    assert!(cmds[0].arg(0).unwrap().flags().has_command_substitution());
}

#[test]
fn command_substitution_with_case_inside() {
    let s = parse_str("x=$(case $a in b) echo b;; *) echo c;; esac) && ls");
    assert_eq!(names(&s), ["<none>", "echo", "echo", "ls"]);
    assert!(!s.has_errors(), "{:?}", s.errors().collect::<Vec<_>>());
}

#[test]
fn backquotes() {
    let s = parse_str("echo `uname -m` `echo \\`id\\``");
    assert_eq!(names(&s), ["echo", "uname", "echo", "id"]);
    let cmds: Vec<_> = s.commands().collect();
    assert!(cmds[1].context().in_substitution());
    assert_eq!(cmds[1].range(), range(6, 14));
    // The escaped inner backquotes are a text of their own, mapped to the source.
    assert_eq!(cmds[3].text(), "id");
    assert_eq!(cmds[3].range(), range(24, 26));
}

#[test]
fn arithmetic() {
    let s = parse_str("echo $((1 + $(nproc) * 2)) $[3+4] && (( i++ )) && ((cd /x) && ls)");
    assert_eq!(names(&s), ["echo", "nproc", "cd", "ls"]);
    let echo = s.commands().next().unwrap();
    assert!(echo.arg(0).unwrap().flags().has_arithmetic());
    assert!(echo.arg(1).unwrap().flags().has_arithmetic());
    assert!(s.commands().nth(2).unwrap().context().in_subshell());
    assert!(!s.has_errors(), "{:?}", s.errors().collect::<Vec<_>>());
}

#[test]
fn process_substitution() {
    let s = parse_str("diff <(sort a) >(tee b) && done=1");
    assert_eq!(names(&s), ["diff", "sort", "tee", "<none>"]);
    let sort = s.commands().nth(1).unwrap();
    assert!(sort.context().in_process_substitution() && sort.context().in_substitution());
    let diff = s.commands().next().unwrap();
    assert!(diff.arg(0).unwrap().flags().has_process_substitution());
}

// ----- heredocs and comments -----

#[test]
fn heredocs() {
    let script =
        "cat <<EOF > /etc/x\nline $HOME\nEOF\ncat <<-'END' | grep a\n\tbody\n\tEND\necho after";
    let s = parse_str(script);
    assert_eq!(names(&s), ["cat", "cat", "grep", "echo"]);
    let cat = s.commands().next().unwrap();
    let redirects: Vec<_> = cat.redirects().collect();
    assert_eq!(redirects.len(), 2);
    assert_eq!(redirects[0].op(), RedirectOp::Heredoc);
    let body = redirects[0].heredoc().unwrap();
    assert_eq!(body.body(), "line $HOME\n");
    assert!(body.is_terminated());
    assert_eq!(redirects[1].op(), RedirectOp::Output);
    assert_eq!(redirects[1].target().unwrap().value(), Some("/etc/x"));
    let second = s.commands().nth(1).unwrap();
    let heredoc = second.redirects().next().unwrap();
    assert_eq!(heredoc.op(), RedirectOp::HeredocStripTabs);
    assert_eq!(heredoc.heredoc().unwrap().body(), "\tbody\n");
    assert!(second.is_piped());
    assert!(!s.has_errors());
}

#[test]
fn unterminated_heredoc() {
    let s = parse_str("cat <<EOF\nno end");
    assert_eq!(names(&s), ["cat"]);
    let errors: Vec<_> = s.errors().collect();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].kind, SyntaxErrorKind::UnterminatedHeredoc);
    assert_eq!(errors[0].range, range(4, 6));
}

#[test]
fn comments() {
    let s = parse_str("echo a#b # comment && rm x\n# whole line\nls # end");
    assert_eq!(names(&s), ["echo", "ls"]);
    let echo = s.commands().next().unwrap();
    assert_eq!(args(echo), ["a#b"]);
    assert_eq!(echo.separator(), Separator::Newline);
}

// ----- operators and separators -----

#[test]
fn separators() {
    let s = parse_str("a && b || c; d | e |& f & g\nh");
    assert_eq!(names(&s), ["a", "b", "c", "d", "e", "f", "g", "h"]);
    let seps: Vec<_> = s.commands().map(|c| c.separator()).collect();
    use Separator::*;
    assert_eq!(
        seps,
        [And, Or, Semicolon, Pipe, PipeAll, Background, Newline, End]
    );
}

#[test]
fn line_breaks_after_operators() {
    let s = parse_str("a &&\n  b |\n  c ||\n# note\n d");
    assert_eq!(names(&s), ["a", "b", "c", "d"]);
    assert!(!s.has_errors());
    assert_eq!(s.pipelines().count(), 3);
}

#[test]
fn negation() {
    let s = parse_str("! grep -q x file && echo missing");
    let grep = s.commands().next().unwrap();
    assert!(grep.pipeline().unwrap().is_negated());
    assert!(
        !s.commands()
            .nth(1)
            .unwrap()
            .pipeline()
            .unwrap()
            .is_negated()
    );
    assert_eq!(grep.pipeline().unwrap().range(), range(0, 16));
}

// ----- redirections -----

#[test]
fn redirections() {
    let s = parse_str("> log cmd 2>&1 >>out <in 3<>f &>all &>>more <<<\"text\" 9>&- >|x");
    let c = only(&s);
    assert!(c.is("cmd"));
    assert_eq!(c.args().count(), 0);
    let r: Vec<_> = c
        .redirects()
        .map(|r| (r.fd(), r.op(), r.target().map(|t| t.value_lossy())))
        .collect();
    use RedirectOp::*;
    assert_eq!(
        r,
        [
            (None, Output, Some("log")),
            (Some(2), DupOutput, Some("1")),
            (None, Append, Some("out")),
            (None, Input, Some("in")),
            (Some(3), ReadWrite, Some("f")),
            (None, OutputAll, Some("all")),
            (None, AppendAll, Some("more")),
            (None, HereString, Some("text")),
            (Some(9), DupOutput, Some("-")),
            (None, Clobber, Some("x")),
        ]
    );
    assert_eq!(c.redirects().nth(1).unwrap().effective_fd(), 2);
    assert_eq!(c.redirects().nth(2).unwrap().effective_fd(), 1);
    assert_eq!(c.range(), range(0, s.text().len()));
}

#[test]
fn digits_are_fd_only_when_touching_the_operator() {
    let s = parse_str("echo 2 >x a2>y");
    let c = only(&s);
    assert_eq!(args(c), ["2", "a2"]);
    let fds: Vec<_> = c.redirects().map(|r| r.fd()).collect();
    assert_eq!(fds, [None, None]);
}

#[test]
fn missing_redirect_target() {
    let s = parse_str("echo >");
    assert_eq!(names(&s), ["echo"]);
    let e: Vec<_> = s.errors().map(|e| e.kind).collect();
    assert_eq!(e, [SyntaxErrorKind::MissingRedirectTarget]);
}

// ----- compound commands -----

#[test]
fn subshells_and_groups() {
    let s = parse_str("(cd /src && make) && { echo ok; ls; } > log");
    assert_eq!(names(&s), ["cd", "make", "echo", "ls"]);
    let c: Vec<_> = s.commands().collect();
    assert!(c[0].context().in_subshell() && !c[0].context().in_group());
    assert!(c[2].context().in_group() && !c[2].context().in_subshell());
    assert_eq!(c[1].separator(), Separator::End, "last in its subshell");
    let outer: Vec<_> = s
        .pipelines()
        .filter(|p| p.context().is_top_level())
        .collect();
    assert_eq!(outer.len(), 2);
    assert_eq!(outer[0].element(0).unwrap().kind(), ElementKind::Subshell);
    assert_eq!(outer[0].separator(), Separator::And);
    let group = outer[1].element(0).unwrap();
    assert_eq!(group.kind(), ElementKind::Group);
    assert_eq!(group.range(), range(21, s.text().len()));
    assert_eq!(group.commands().count(), 2);
}

#[test]
fn if_statement() {
    let s = parse_str(
        "if [ -f /x ]; then apt-get update; elif command -v apk; then apk update; else echo none; fi; ls",
    );
    assert_eq!(names(&s), ["[", "apt-get", "command", "apk", "echo", "ls"]);
    let c: Vec<_> = s.commands().collect();
    assert!(c[0].context().in_condition() && !c[0].context().in_if_branch());
    assert!(c[1].context().in_if_branch() && !c[1].context().in_condition());
    assert!(c[2].context().in_condition());
    assert!(c[3].context().in_if_branch());
    assert!(c[4].context().in_if_branch());
    assert!(c[5].context().is_top_level());
    assert!(c[1].context().is_conditional());
    assert!(!s.has_errors());
}

#[test]
fn loops() {
    let s = parse_str(
        "for f in $(ls) a b; do rm $f; done; while read -r l; do echo $l; done < list; until false; do :; done; for ((i=0;i<3;i++)); do x; done",
    );
    assert_eq!(names(&s), ["ls", "rm", "read", "echo", "false", ":", "x"]);
    let c: Vec<_> = s.commands().collect();
    assert!(!c[0].context().in_loop(), "the word list runs once");
    assert!(c[0].context().in_substitution());
    assert!(c[1].context().in_loop());
    assert!(c[2].context().in_condition() && c[2].context().in_loop());
    assert!(c[3].context().in_loop() && !c[3].context().in_condition());
    assert!(c[6].context().in_loop());
    assert!(!s.has_errors(), "{:?}", s.errors().collect::<Vec<_>>());
}

#[test]
fn loops_across_lines() {
    let s = parse_str("for x in a b\ndo\n  echo $x\ndone\nwhile true\ndo\n  break\ndone");
    assert_eq!(names(&s), ["echo", "true", "break"]);
    assert!(!s.has_errors());
}

#[test]
fn case_patterns_are_not_commands() {
    let s = parse_str(
        "case \"$(uname -m)\" in\n  x86_64|amd64) arch=amd64 ;;\n  (aarch64) arch=arm64; echo arm ;;&\n  *) echo unknown; exit 1 ;;\nesac; ls",
    );
    assert_eq!(
        names(&s),
        ["uname", "<none>", "<none>", "echo", "echo", "exit", "ls"]
    );
    let c: Vec<_> = s.commands().collect();
    assert!(!c[0].context().in_case());
    assert!(c[3].context().in_case());
    assert_eq!(c[3].separator(), Separator::End);
    assert!(c[6].context().is_top_level());
    assert!(!s.has_errors(), "{:?}", s.errors().collect::<Vec<_>>());
}

#[test]
fn function_definitions() {
    let s = parse_str("f() { echo in f; }; function g { ls; }; function h() (pwd); f");
    assert_eq!(names(&s), ["echo", "ls", "pwd", "f"]);
    let c: Vec<_> = s.commands().collect();
    assert!(c[0].context().in_function() && c[0].context().in_group());
    assert!(c[1].context().in_function());
    assert!(c[2].context().in_function() && c[2].context().in_subshell());
    assert!(!c[3].context().in_function());
    let kinds: Vec<_> = s
        .pipelines()
        .filter(|p| p.context().is_top_level())
        .map(|p| p.element(0).unwrap().kind())
        .collect();
    assert_eq!(
        kinds,
        [
            ElementKind::FunctionDefinition,
            ElementKind::FunctionDefinition,
            ElementKind::FunctionDefinition,
            ElementKind::Command
        ]
    );
    assert!(!s.has_errors(), "{:?}", s.errors().collect::<Vec<_>>());
}

#[test]
fn reserved_words_only_in_command_position() {
    let s = parse_str("echo if then fi done { } && echo !");
    assert_eq!(names(&s), ["echo", "echo"]);
    assert_eq!(args(s.commands().next().unwrap()).len(), 6);
    assert!(!s.has_errors());
}

#[test]
fn double_bracket_test() {
    let s = parse_str("[[ -n $x && ( $y < 3 || $z =~ ^a|b$ ) ]] && echo yes");
    assert_eq!(names(&s), ["[[", "echo"]);
    let test = s.commands().next().unwrap();
    assert_eq!(test.args().last().unwrap().value(), Some("]]"));
    assert_eq!(test.redirects().count(), 0);
    assert_eq!(test.separator(), Separator::And);
}

// ----- assignments -----

#[test]
fn prefix_assignments() {
    let s = parse_str("DEBIAN_FRONTEND=noninteractive A+=\"x y\" arr[1]=z apt-get install -y foo");
    let c = only(&s);
    assert!(c.is("apt-get"));
    let a: Vec<_> = c
        .assignments()
        .map(|a| (a.name(), a.value().value_lossy(), a.is_append()))
        .collect();
    assert_eq!(
        a,
        [
            ("DEBIAN_FRONTEND", "noninteractive", false),
            ("A", "x y", true),
            ("arr[1]", "z", false)
        ]
    );
    let s2 = parse_str("a[$i]=1 \"B\"=2 x");
    let c2 = only(&s2);
    assert_eq!(
        c2.assignments().map(|a| a.name()).collect::<Vec<_>>(),
        ["a[$i]"]
    );
    assert_eq!(c2.name(), Some("B=2"));
    let value = c.assignment("A").unwrap().value();
    assert_eq!(value.text(), "\"x y\"");
    assert_eq!(value.range(), range(34, 39));
    assert_eq!(
        c.assignment("DEBIAN_FRONTEND").unwrap().range(),
        range(0, 30)
    );
}

#[test]
fn standalone_assignments_and_arrays() {
    let s = parse_str("A=1 B=$(pwd); arr=(one \"two three\" $(ls)) && empty=() ; x=1 y=2");
    assert_eq!(
        names(&s),
        ["<none>", "pwd", "<none>", "ls", "<none>", "<none>"]
    );
    let arr = s.commands().nth(2).unwrap();
    let a = arr.assignments().next().unwrap();
    assert_eq!(a.name(), "arr");
    assert!(a.value().flags().is_array());
    assert_eq!(a.value().value(), None);
    assert!(!s.has_errors(), "{:?}", s.errors().collect::<Vec<_>>());
}

#[test]
fn assignment_after_name_is_an_argument() {
    let s = parse_str("env A=1 make B=2");
    let c = only(&s);
    assert_eq!(c.assignments().count(), 0);
    assert_eq!(args(c), ["A=1", "make", "B=2"]);
}

// ----- pipelines -----

#[test]
fn pipelines_are_groups() {
    let s = parse_str(
        "curl -fsSL https://get.x.io | sudo bash -s -- -y && wget -qO- u | tar xz -C /opt",
    );
    let piped: Vec<_> = s.pipelines().filter(|p| p.is_piped()).collect();
    assert_eq!(piped.len(), 2);
    let first: Vec<_> = piped[0].commands().map(|c| c.name().unwrap()).collect();
    assert_eq!(first, ["curl", "sudo"]);
    let curl = s.find("curl").next().unwrap();
    assert!(curl.context().in_pipeline());
    assert_eq!(curl.pipe_index(), Some(0));
    let into = curl.piped_into().unwrap().command().unwrap();
    assert!(into.is("sudo"));
    assert_eq!(
        into.piped_from().unwrap().command().unwrap().id(),
        curl.id()
    );
    assert_eq!(piped[0].separator(), Separator::And);
    assert_eq!(piped[1].text(), "wget -qO- u | tar xz -C /opt");
}

#[test]
fn pipeline_into_compound_commands() {
    let s = parse_str("curl -s u | (cd /x && tar xz) | { cat; }");
    let p = s.pipelines().next().unwrap();
    let kinds: Vec<_> = p.elements().map(|e| e.kind()).collect();
    assert_eq!(
        kinds,
        [
            ElementKind::Command,
            ElementKind::Subshell,
            ElementKind::Group
        ]
    );
    let tar = s.find("tar").next().unwrap();
    assert!(tar.context().in_pipeline(), "inside a piped subshell");
    assert!(!tar.is_piped(), "its own pipeline is one command");
    let subshell = p.element(1).unwrap();
    let direct: Vec<_> = subshell
        .direct_commands()
        .map(|c| c.name().unwrap())
        .collect();
    assert_eq!(direct, ["cd", "tar"]);
}

#[test]
fn substitution_in_pipeline_is_not_piped() {
    let s = parse_str("echo $(date) | wc -c");
    let date = s.find("date").next().unwrap();
    assert!(!date.context().in_pipeline());
    assert!(s.find("echo").next().unwrap().context().in_pipeline());
}

// ----- sh -c -----

#[test]
fn shell_strings_are_parsed() {
    let text = "sh -c 'apt-get update && apt-get install -y curl' && bash -ec \"cd /x; make\"";
    let s = parse_str(text);
    assert_eq!(
        names(&s),
        ["sh", "apt-get", "apt-get", "bash", "cd", "make"]
    );
    let c: Vec<_> = s.commands().collect();
    assert!(c[1].context().in_shell_string());
    assert_eq!(c[1].parent().unwrap().id(), c[0].id());
    assert_eq!(c[2].range(), range(25, 48));
    assert_eq!(&text[c[2].range().to_std()], "apt-get install -y curl");
    assert_eq!(c[2].text(), "apt-get install -y curl");
    assert_ne!(c[2].text_id(), layerlint_shell::TextId::ROOT);
    assert_eq!(&text[c[4].range().to_std()], "cd /x");
    assert_eq!(
        c[0].shell_string().unwrap().text(),
        "'apt-get update && apt-get install -y curl'"
    );
    let inner: Vec<_> = c[0]
        .shell_string_commands()
        .map(|c| c.name().unwrap())
        .collect();
    assert_eq!(inner, ["apt-get", "apt-get"]);
    assert!(c[1].arg(0).unwrap().range().start() > c[1].range().start());
}

#[test]
fn shell_string_with_escapes_maps_through_quoting() {
    let text = r#"sh -c "echo \"hi there\" && rm -rf /tmp/\$x""#;
    let s = parse_str(text);
    assert_eq!(names(&s), ["sh", "echo", "rm"]);
    let echo = s.find("echo").next().unwrap();
    assert_eq!(echo.arg(0).unwrap().value(), Some("hi there"));
    // The inner word `"hi there"` maps to `\"hi there\"` less its first backslash.
    assert_eq!(
        &text[echo.arg(0).unwrap().range().to_std()],
        r#""hi there\""#
    );
    let rm = s.find("rm").next().unwrap();
    assert_eq!(rm.arg(1).unwrap().value_lossy(), "/tmp/$x");
    assert_eq!(&text[rm.arg(1).unwrap().range().to_std()], r"/tmp/\$x");
}

#[test]
fn shell_string_expanded_by_outer_shell_is_not_doubled() {
    let s = parse_str(r#"sh -c "cd $(dirname $0) && make" && sh -c 'echo $(id -u)'"#);
    assert_eq!(
        names(&s),
        ["sh", "dirname", "cd", "make", "sh", "echo", "id"]
    );
    let id = s.find("id").next().unwrap();
    assert!(id.context().in_shell_string() && id.context().in_substitution());
}

#[test]
fn shell_string_variants() {
    let s = parse_str(
        "su -c 'whoami' app; sudo -u app bash -lc 'id'; su app -c \"ls\"; xargs -n1 sh -c 'echo $0'; \
         bash -o pipefail -c 'a | b'; sh script.sh -c x; sh -c \"$CMD\"; sh -c $CMD",
    );
    assert_eq!(
        names(&s),
        [
            "su", "whoami", "sudo", "id", "su", "ls", "xargs", "echo", "bash", "a", "b", "sh",
            "sh", "$CMD", "sh"
        ]
    );
}

#[test]
fn shell_string_line_continuation_is_mapped() {
    // As the Dockerfile parser gives it: `RUN sh -c 'a && \` + newline + `  b'`.
    let source = "RUN sh -c 'a && \\\n  b'";
    let mut text = layerlint_text::MappedText::new();
    text.push("sh -c 'a && ", 4.into());
    text.push("  b'", 18.into());
    let s = layerlint_shell::parse(&text);
    assert_eq!(names(&s), ["sh", "a", "b"]);
    let b = s.find("b").next().unwrap();
    assert_eq!(&source[b.range().to_std()], "b");
    let sh = s.find("sh").next().unwrap();
    assert_eq!(&source[sh.range().to_std()], "sh -c 'a && \\\n  b'");
}

// ----- options -----

#[test]
fn flags() {
    let s = parse_str(
        "apt-get -qy install --no-install-recommends --option=a -o Dpkg::Options::=--force-confold foo -- -z",
    );
    let c = only(&s);
    assert!(c.has_flag("-y"));
    assert!(c.has_flag("-q"));
    assert!(c.has_flag("--no-install-recommends"));
    assert!(c.has_flag("--option"));
    assert!(c.has_flag("-o"));
    assert!(!c.has_flag("-z"), "after --");
    assert!(!c.has_flag("--yes"));
    assert!(!c.has_flag("-D"), "not a cluster: it holds ':'");
    assert!(c.has_any_flag(&["--yes", "-y"]));
    let values: Vec<_> = c
        .flag_values(&["-o", "--option"])
        .map(|v| v.as_str())
        .collect();
    assert_eq!(values, ["a", "Dpkg::Options::=--force-confold"]);
}

#[test]
fn positionals_and_subcommands() {
    let s = parse_str(
        "/usr/bin/apt-get -t bookworm-backports install -y foo=1.2 \"bar\" $EXTRA; pip install -r req.txt --no-cache-dir flask==2.0; npm ci; go install example.com/x@v1",
    );
    let apt = s.find("apt-get").next().unwrap();
    assert_eq!(apt.name(), Some("apt-get"));
    assert_eq!(apt.name_path(), Some("/usr/bin/apt-get"));
    let spec = layerlint_shell::known::APT_GET;
    assert_eq!(apt.subcommand_with(spec), Some("install"));
    assert_eq!(
        apt.subcommand(),
        Some("bookworm-backports"),
        "without a spec"
    );
    let packages: Vec<_> = apt
        .positionals(spec)
        .skip(1)
        .map(|w| w.value_lossy())
        .collect();
    assert_eq!(packages, ["foo=1.2", "bar", "$EXTRA"]);
    let pip = s.find("pip").next().unwrap();
    let pkgs: Vec<_> = pip
        .positionals(layerlint_shell::known::PIP)
        .map(|w| w.value_lossy())
        .collect();
    assert_eq!(pkgs, ["install", "flask==2.0"]);
    assert_eq!(s.find("npm").next().unwrap().subcommand(), Some("ci"));
    assert_eq!(s.find("go").next().unwrap().subcommand(), Some("install"));
}

#[test]
fn options_iteration() {
    let s = parse_str("tool -abc -xVALUE --long=v --flag - file");
    let c = only(&s);
    let spec = layerlint_shell::OptionSpec::new(&["-x"]);
    let rendered: Vec<_> = c.options(spec).map(|a| format!("{a:?}")).collect();
    assert_eq!(rendered.len(), 8);
    let opts: Vec<_> = c
        .options(spec)
        .filter_map(|a| a.option())
        .map(|o| format!("{o:?}"))
        .collect();
    assert_eq!(
        opts,
        ["-a", "-b", "-c", "-x=\"VALUE\"", "--long=\"v\"", "--flag"]
    );
    let pos: Vec<_> = c.positionals(spec).map(|w| w.value_lossy()).collect();
    assert_eq!(pos, ["-", "file"]);
}

#[test]
fn quoted_and_dynamic_names() {
    let s = parse_str("\"apt-get\" update; $PM install x; \\sudo ls");
    let c: Vec<_> = s.commands().collect();
    assert!(c[0].is("apt-get"));
    assert_eq!(c[1].name(), None);
    assert_eq!(c[1].name_word().unwrap().value_lossy(), "$PM");
    assert!(c[2].is("sudo"));
    assert_eq!(s.find_any(&["apt-get", "sudo"]).count(), 2);
}

// ----- ranges -----

#[test]
fn ranges_map_through_continuations() {
    // Source: "RUN apt-get update \\\n && apt-get install -y curl"
    let source = "RUN apt-get update \\\n && apt-get install -y curl";
    let mut text = layerlint_text::MappedText::new();
    text.push("apt-get update ", 4.into());
    text.push(" && apt-get install -y curl", 21.into());
    let s = layerlint_shell::parse(&text);
    let install = s.commands().nth(1).unwrap();
    assert_eq!(&source[install.range().to_std()], "apt-get install -y curl");
    assert_eq!(install.text_range(), range(19, 42));
    let curl = install.arg(2).unwrap();
    assert_eq!(&source[curl.range().to_std()], "curl");
    let update = s.commands().next().unwrap();
    assert_eq!(&source[update.range().to_std()], "apt-get update");
}

// ----- errors and recovery -----

#[test]
fn unbalanced_quotes() {
    let s = parse_str("echo 'abc && rm -rf /");
    assert_eq!(names(&s), ["echo"]);
    let e: Vec<_> = s.errors().collect();
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].kind, SyntaxErrorKind::UnterminatedSingleQuote);
    assert_eq!(e[0].range, range(5, 21));
    assert!(
        s.commands()
            .next()
            .unwrap()
            .arg(0)
            .unwrap()
            .flags()
            .is_unterminated()
    );
    let s = parse_str("echo \"abc $(ls");
    assert_eq!(names(&s), ["echo", "ls"]);
    let kinds: Vec<_> = s.errors().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            SyntaxErrorKind::UnterminatedCommandSubstitution,
            SyntaxErrorKind::UnterminatedDoubleQuote
        ]
    );
}

#[test]
fn unterminated_substitution_keeps_commands() {
    let s = parse_str("apt-get install -y $(cat pkgs && curl x | sh");
    assert_eq!(names(&s), ["apt-get", "cat", "curl", "sh"]);
    assert!(s.find("curl").next().unwrap().is_piped());
    let e: Vec<_> = s.errors().collect();
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].kind, SyntaxErrorKind::UnterminatedCommandSubstitution);
    assert_eq!(e[0].range.start(), 19.into());
}

#[test]
fn stray_keywords() {
    let s = parse_str("echo a; fi; done; echo b ) ; }; esac ;; then");
    assert_eq!(names(&s), ["echo", "echo"]);
    let e: Vec<_> = s.errors().map(|e| e.to_string()).collect();
    assert_eq!(
        e,
        [
            "unexpected `fi`",
            "unexpected `done`",
            "unexpected `)`",
            "unexpected `}`",
            "unexpected `esac`",
            "unexpected `;;`",
            "unexpected `then`"
        ]
    );
}

#[test]
fn missing_closers() {
    let cases: &[(&str, &str, &[&str])] = &[
        ("if true; then echo", "missing `fi`", &["true", "echo"]),
        ("if true; echo", "missing `then`", &["true", "echo"]),
        ("while true; do echo", "missing `done`", &["true", "echo"]),
        ("for x in a; echo", "missing `do`", &["echo"]),
        ("(echo a", "missing `)`", &["echo"]),
        ("{ echo a", "missing `}`", &["echo"]),
        ("case x in a) echo", "missing `esac`", &["echo"]),
        ("a &&", "missing command after `&&`", &["a"]),
        ("a |", "missing command after `|`", &["a"]),
    ];
    for (text, message, expected) in cases {
        let s = parse_str(text);
        assert_eq!(names(&s), *expected, "{text}");
        let e: Vec<_> = s.errors().map(|e| e.to_string()).collect();
        assert_eq!(e, [*message], "{text}");
    }
}

#[test]
fn inner_terminator_closes_outer_construct() {
    // `done` ends the `while` even though the `if` inside is not closed.
    let s = parse_str("while x; do if y; then z; done; after");
    assert_eq!(names(&s), ["x", "y", "z", "after"]);
    let e: Vec<_> = s.errors().map(|e| e.to_string()).collect();
    assert_eq!(e, ["missing `fi`"]);
    assert!(s.find("after").next().unwrap().context().is_top_level());
}

#[test]
fn deep_nesting_does_not_overflow() {
    let depth = 20_000;
    let text = format!("{}{}", "$(".repeat(depth), ")".repeat(depth));
    let s = parse_str(&text);
    assert!(s.errors().any(|e| e.kind == SyntaxErrorKind::TooDeep));
    let text = format!("echo {}x{}", "\"${a:-".repeat(depth), "}\"".repeat(depth));
    let s = parse_str(&text);
    assert!(s.has_errors());
    let text = format!("{}echo{}", "( ".repeat(depth), " )".repeat(depth));
    let s = parse_str(&text);
    assert!(s.has_errors());
    // `sh -c 'sh -c 'sh -c 'echo` + three quotes: the quotes pair up as `'sh -c '` and
    // `'echo'`, so the outer script is `sh -c sh`, whose script is `sh`.
    let text = format!("{}echo{}", "sh -c '".repeat(3), "'".repeat(3));
    let s = parse_str(&text);
    assert_eq!(names(&s), ["sh", "sh", "sh"]);
    let levels: Vec<_> = s.commands().map(|c| c.text_id().index()).collect();
    assert_eq!(levels, [0, 1, 2]);
}

#[test]
fn half_typed_input() {
    for text in [
        "apt-get install -y \\",
        "echo $(",
        "echo ${",
        "echo $((1+",
        "echo `",
        "echo \"",
        "echo $'",
        "if",
        "for",
        "case",
        "case x in",
        "function",
        "f(",
        "f()",
        "a=(",
        "cat <<",
        "cat <<EOF",
        "x | ",
        "! ",
        "[[ a",
        "2>",
        "&>",
        "$(( ",
        "((",
        "select x in a; do",
    ] {
        let s = parse_str(text);
        for c in s.commands() {
            assert!(c.range().end().to_usize() <= text.len(), "{text}");
        }
    }
}

#[test]
fn empty_and_blank_scripts() {
    for text in ["", "   ", "\n\n", "# only a comment", ";", " \\\n "] {
        let s = parse_str(text);
        assert_eq!(s.command_count(), 0, "{text:?}");
    }
    assert!(!parse_str("").has_errors());
}

#[test]
fn non_ascii_text() {
    let s = parse_str("echo 'héllo wörld' ünïcode && 日本 語");
    assert_eq!(names(&s), ["echo", "日本"]);
    let echo = s.commands().next().unwrap();
    assert_eq!(args(echo), ["héllo wörld", "ünïcode"]);
}

#[test]
fn crlf_line_endings() {
    let s = parse_str("echo a\r\nls -l\r\n");
    assert_eq!(names(&s), ["echo", "ls"]);
    assert_eq!(args(s.commands().nth(1).unwrap()), ["-l"]);
}

#[test]
fn snapshot_of_a_typical_run() {
    let s = parse_str(
        "set -eux; apt-get update && apt-get install -y --no-install-recommends ca-certificates curl \
         && curl -fsSL https://deb.nodesource.com/setup_20.x | bash - && rm -rf /var/lib/apt/lists/*",
    );
    let rendered: Vec<String> = s
        .commands()
        .map(|c| {
            format!(
                "{:?} {:?} args={:?} sep={:?} piped={}",
                c.range(),
                c.name().unwrap_or("-"),
                args(c),
                c.separator(),
                c.is_piped()
            )
        })
        .collect();
    insta::assert_snapshot!(rendered.join("\n"));
}

// ----- wrappers -----

#[test]
fn unwrapped_commands() {
    let s = parse_str(
        "sudo -u app -E apt-get install -y x; env -i A=1 B=2 make all; xargs -n 1 -I{} rm {}; \
         gosu app ./run --flag; timeout -s KILL 10 curl u; nice -n 5 sudo make; command -v git; \
         sudo -i; ls; busybox wget -q u",
    );
    let view: Vec<(Option<&str>, Vec<&str>)> = s
        .commands()
        .map(Command::unwrapped)
        .map(|c| (c.name(), args(c)))
        .collect();
    assert_eq!(
        view,
        [
            (Some("apt-get"), vec!["install", "-y", "x"]),
            (Some("make"), vec!["all"]),
            (Some("rm"), vec!["{}"]),
            (Some("run"), vec!["--flag"]),
            (Some("curl"), vec!["u"]),
            (Some("make"), vec![]),
            (Some("command"), vec!["-v", "git"]),
            (Some("sudo"), vec!["-i"]),
            (Some("ls"), vec![]),
            (Some("wget"), vec!["-q", "u"]),
        ]
    );
    let apt = s.commands().next().unwrap().unwrapped();
    assert!(apt.has_flag("-y") && !apt.has_flag("-E"));
    assert_eq!(apt.subcommand(), Some("install"));
    assert_eq!(
        apt.range(),
        s.commands().next().unwrap().range(),
        "the whole command"
    );
    let wrappers: Vec<bool> = s.commands().map(|c| c.is_wrapper()).collect();
    assert_eq!(
        wrappers,
        [
            true, true, true, true, true, true, false, false, false, true
        ]
    );
}

#[test]
fn shifted_views_a_command_from_a_later_word() {
    let s = parse_str("python3 -m pip install --no-cache-dir flask && sudo python -m pip -V");
    let python = s.commands().next().unwrap();
    let pip = python.shifted(2);
    assert_eq!(pip.name(), Some("pip"));
    assert_eq!(pip.subcommand(), Some("install"));
    assert!(pip.has_flag("--no-cache-dir") && !pip.has_flag("-m"));
    assert_eq!(pip.range(), python.range(), "the whole command");
    let wrapped = s.commands().nth(1).unwrap().unwrapped().shifted(2);
    assert_eq!(wrapped.name(), Some("pip"));
    assert!(wrapped.has_flag("-V"));
    let none = python.shifted(100);
    assert_eq!(none.name(), None);
    assert_eq!(none.args().count(), 0);
}

/// The names seen through wrappers, which the script keeps as places in its texts, are
/// the names the commands give: quoted, with a path, escaped, inside `sh -c` strings and
/// `$( )`, and none for a name with an expansion or no name at all.
#[test]
fn names_through_wrappers_are_the_commands_names() {
    let script = parse_str(
        "sudo -u app /usr/bin/apt-get install -y x && \"ap\"t update; env A=1 \\time make \
         && sh -c 'exec gosu app \"./run\" --x' && echo $(nice -n 5 /opt/bin/'tool' y) \
         && $CC -o a && \"$PM\"/bin/x && A=1 && > out",
    );
    let mut checked = 0;
    for command in script.commands() {
        let expected = command.unwrapped().name_word().and_then(|w| {
            w.value()
                .map(|v| v.rsplit('/').next().unwrap_or(v).to_owned())
        });
        assert_eq!(
            script.unwrapped_name(command.id()).map(str::to_owned),
            expected,
            "{}",
            command.text()
        );
        checked += 1;
    }
    assert!(checked >= 10, "{checked} commands");
}

/// A command's words stay contiguous when commands nested in them put words of their own
/// between (the parser moves them behind); a nested command without words keeps its
/// empty range.
#[test]
fn words_around_nested_commands() {
    let script = parse_str("echo a $(printf '%s' b) c `true x` d");
    assert_eq!(names(&script), ["echo", "printf", "true"]);
    let echo = script.commands().next().unwrap();
    assert_eq!(
        echo.words().map(|w| w.text()).collect::<Vec<_>>(),
        ["echo", "a", "$(printf '%s' b)", "c", "`true x`", "d"]
    );
    assert_eq!(args(script.commands().nth(1).unwrap()), ["%s", "b"]);
    assert_eq!(args(script.commands().nth(2).unwrap()), ["x"]);

    let script = parse_str("<(a=()) <(sh -c x) y");
    let words: Vec<Vec<&str>> = script
        .commands()
        .map(|c| c.words().map(|w| w.text()).collect())
        .collect();
    assert_eq!(
        words,
        [
            vec!["<(a=())", "<(sh -c x)", "y"],
            vec![],
            vec!["sh", "-c", "x"],
            vec!["x"]
        ]
    );
}
