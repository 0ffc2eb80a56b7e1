//! Searching short texts (image names, instruction texts) for a few words at once.

/// Whether `haystack` contains one of `needles`: what
/// `needles.iter().any(|n| haystack.contains(n))` answers, in one pass over `haystack` that
/// compares the needles only where one of them can start. `str::contains` sets up a
/// searcher at each call, which costs more than searching a text of a few dozen bytes,
/// and rules ask this of every image name and RUN.
pub(crate) fn contains_any(haystack: &str, needles: &[&str]) -> bool {
    let mut starts = [false; 256];
    for needle in needles {
        match needle.as_bytes().first() {
            Some(&first) => starts[usize::from(first)] = true,
            // Every text contains the empty text.
            None => return true,
        }
    }
    let bytes = haystack.as_bytes();
    bytes.iter().enumerate().any(|(at, &b)| {
        starts[usize::from(b)]
            && needles
                .iter()
                .any(|needle| bytes[at..].starts_with(needle.as_bytes()))
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::contains_any;

    /// Every text made of one to `most` of `pieces`.
    pub(crate) fn texts_of(pieces: &[&str], most: usize) -> Vec<String> {
        let mut all = Vec::new();
        let mut last = vec![String::new()];
        for _ in 0..most {
            last = last
                .iter()
                .flat_map(|t| pieces.iter().map(move |p| format!("{t}{p}")))
                .collect();
            all.extend(last.iter().cloned());
        }
        all
    }

    #[test]
    fn answers_what_contains_answers() {
        let needles: [&[&str]; 5] = [
            &["ab", "b", "é"],
            &["abc", "bca"],
            &["", "x"],
            &[],
            &["aa", "ab", "ba", "é", "中"],
        ];
        let units = ["a", "b", "c", "é", "中"];
        // The empty text, and every text of up to five units.
        let mut texts = vec![String::new()];
        texts.extend(texts_of(&units, 5));
        let mut found = 0;
        for needles in needles {
            for text in &texts {
                let expected = needles.iter().any(|n| text.contains(n));
                assert_eq!(
                    contains_any(text, needles),
                    expected,
                    "{text:?} {needles:?}"
                );
                found += usize::from(expected);
            }
        }
        assert!(found > 1000 && found < 5 * texts.len(), "{found}");
    }
}
