//! Quote removal checked against bash itself: thousands of generated words made of quotes,
//! escapes and `$'...'` strings (no expansions) are printed by `bash -c "printf '%s\0' ..."`
//! and compared, byte for byte, with `Word::value`. Skips (with a message) without bash.

use std::process::Command;

/// Pieces of words whose value bash computes without expanding anything.
const PIECES: &[&str] = &[
    "a",
    "b-c",
    "=",
    ":",
    "/",
    ".",
    "é",
    "%",
    "@",
    "+",
    ",",
    "'x y'",
    "'$HOME'",
    r#"'a\"b'"#,
    "''",
    r"'\\'",
    r#""x y""#,
    r#""\$x""#,
    r#""\\""#,
    r#""\"""#,
    r#""a'b""#,
    r#""\a""#,
    "\"\\`\"",
    r#""""#,
    r"$'a\nb'",
    r"$'\x41'",
    r"$'\x4g'",
    r"$'\101'",
    r"$'\''",
    r"$'\\'",
    r"$'\t'",
    r"$'\e'",
    r"$'\u00e9'",
    r"$'\cA'",
    r"$'\q'",
    r#"$"loc""#,
    r"\a",
    r"\ ",
    r"\'",
    r#"\""#,
    r"\\",
    r"\$",
    r"\*",
    r"\{",
    r"\#",
    "a\\\nb",
];

/// A small deterministic generator (no dependency, same words every run).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

fn words(count: usize) -> Vec<String> {
    let mut rng = Lcg(0x5eed);
    (0..count)
        .map(|_| {
            let len = 1 + rng.next(5);
            (0..len).map(|_| PIECES[rng.next(PIECES.len())]).collect()
        })
        .collect()
}

#[test]
fn word_values_match_bash() {
    let words = words(3000);
    let script = format!("printf '%s\\0' {}", words.join(" "));
    let output = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &script])
        .env("LC_ALL", "C.UTF-8")
        .output();
    let output = match output {
        Ok(output) if output.status.success() => output,
        other => {
            println!("bash_quote_removal: bash unavailable or failed ({other:?}); skipped");
            return;
        }
    };
    let expected: Vec<&[u8]> = output.stdout.split(|&b| b == 0).collect();
    // One value per word, and the empty rest after the last NUL.
    assert_eq!(
        expected.len(),
        words.len() + 1,
        "bash split the words differently"
    );
    let parsed = layerlint_shell::parse_str(&script);
    assert!(!parsed.has_errors());
    let printf = parsed.commands().next().unwrap();
    let ours: Vec<&str> = printf.args().skip(1).map(|w| w.value().unwrap()).collect();
    assert_eq!(ours.len(), words.len());
    let mut mismatches = 0;
    for ((word, ours), theirs) in words.iter().zip(&ours).zip(&expected) {
        if ours.as_bytes() != *theirs {
            mismatches += 1;
            println!(
                "{word:?}: ours {ours:?}, bash {:?}",
                String::from_utf8_lossy(theirs)
            );
        }
    }
    println!(
        "bash_quote_removal: {} words compared, {mismatches} mismatches",
        words.len()
    );
    assert_eq!(mismatches, 0);
}
