//! Finding heredoc markers in an instruction's line, as BuildKit does: the whole logical
//! line is split into words by its shell lexer (quotes and escapes kept raw), and each
//! word is matched against `^(\d*)<<(-?)\s*([^<]*)$`.

use crate::expand::{Lex, NoEnv};

/// A heredoc marker found in a line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Marker {
    pub name: String,
    pub fd: Option<u32>,
    pub chomp: bool,
    pub expand: bool,
    /// The marker word's byte range in the line.
    pub start: usize,
    pub end: usize,
}

/// A parsed heredoc marker word (BuildKit's `ParseHeredoc`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeredocMarker {
    pub name: String,
    pub fd: Option<u32>,
    pub chomp: bool,
    pub expand: bool,
}

/// The heredoc markers of a logical line, in order. A line the lexer cannot split (an
/// unterminated quote) has none, as in BuildKit.
pub(crate) fn heredocs_in_line(line: &str) -> Result<Vec<Marker>, String> {
    let mut lex = Lex::new('\\');
    lex.raw_quotes = true;
    lex.raw_escapes = true;
    lex.skip_unset_env = true;
    let Ok(words) = lex.process_words(line, &NoEnv) else {
        return Ok(Vec::new());
    };
    let mut markers = Vec::new();
    for word in words {
        if let Some(marker) = parse_heredoc_marker(&word.text)? {
            markers.push(Marker {
                name: marker.name,
                fd: marker.fd,
                chomp: marker.chomp,
                expand: marker.expand,
                start: word.start,
                end: word.end,
            });
        }
    }
    Ok(markers)
}

/// Whether `word` is a heredoc marker, and which (BuildKit's `ParseHeredoc`). `Err` when
/// the delimiter cannot be lexed.
pub fn parse_heredoc_marker(word: &str) -> Result<Option<HeredocMarker>, String> {
    let digits = word.len() - word.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let Some(after) = word[digits..].strip_prefix("<<") else {
        return Ok(None);
    };
    let (chomp, after) = match after.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, after),
    };
    let rest = after.trim_start_matches(['\t', '\n', '\x0c', '\r', ' ']);
    if rest.contains('<') || rest.is_empty() {
        return Ok(None);
    }
    let fd = if digits == 0 {
        None
    } else {
        word[..digits].parse().ok()
    };
    let mut lex = Lex::new('\\');
    lex.skip_unset_env = true;
    let failed = |err: crate::expand::ExpandError| format!("failed to process {rest:?}: {err}");
    let words = lex.process_words(rest, &NoEnv).map_err(failed)?;
    let [name] = words.as_slice() else {
        return Ok(None);
    };
    lex.raw_quotes = true;
    let raw = lex.process_words(rest, &NoEnv).map_err(failed)?;
    let [raw_name] = raw.as_slice() else {
        return Err(format!(
            "internal lexing of heredoc produced inconsistent results: {rest}"
        ));
    };
    let quotes = |s: &str| s.chars().filter(|&c| c == '\'' || c == '"').count();
    Ok(Some(HeredocMarker {
        name: name.text.clone(),
        fd,
        chomp,
        expand: quotes(&name.text) == quotes(&raw_name.text),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(word: &str) -> Option<String> {
        parse_heredoc_marker(word).unwrap().map(|m| m.name)
    }

    #[test]
    fn markers_like_buildkit() {
        for valid in [
            "<<EOF",
            "<<'EOF'",
            "<<\"EOF\"",
            "<<-EOF",
            "<<-'EOF'",
            "<<-\"EOF\"",
            "<<EO\"F\"",
            "<< EOF",
            "<<- EOF",
        ] {
            assert_eq!(name(valid).as_deref(), Some("EOF"), "{valid}");
        }
        for invalid in ["<<'EOF", "<<\"EOF", "<<EOF'", "<<EOF\""] {
            assert!(parse_heredoc_marker(invalid).is_err(), "{invalid}");
        }
        for not in ["", "EOF", "<<", "<<-", "<EOF", "<<<EOF", "<<EOF sh"] {
            assert_eq!(name(not), None, "{not}");
        }
        let m = parse_heredoc_marker("3<<-'E'O\\'F").unwrap().unwrap();
        assert_eq!(
            (m.name.as_str(), m.fd, m.chomp, m.expand),
            ("EO'F", Some(3), true, false)
        );
        assert!(parse_heredoc_marker("<<eo\\'f").unwrap().unwrap().expand);
    }

    #[test]
    fn markers_in_lines() {
        let names = |line: &str| -> Vec<String> {
            heredocs_in_line(line)
                .unwrap()
                .into_iter()
                .map(|m| m.name)
                .collect()
        };
        assert_eq!(names("COPY <<FILE1 <<FILE2 /dest"), ["FILE1", "FILE2"]);
        assert_eq!(names("RUN <<  EOF  > foo"), ["EOF"]);
        assert_eq!(names("RUN <<- EOF"), Vec::<String>::new());
        assert_eq!(names("RUN \"<<NOHEREDOC\""), Vec::<String>::new());
        assert_eq!(names("RUN echo 'unterminated <<EOF"), Vec::<String>::new());
        let found = heredocs_in_line("RUN --mount=type=cache,target=/x 3<<EOF cat").unwrap();
        assert_eq!(
            (found[0].start, found[0].end, found[0].fd),
            (33, 39, Some(3))
        );
    }
}
