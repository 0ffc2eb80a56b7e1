use layerlint_text::{TextRange, TextSize};

/// Whether a fix may be applied without a person looking at it. Ordered:
/// `DisplayOnly < Unsafe < Safe`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Applicability {
    /// Shown (in a diff, an editor), never applied by `--fix`.
    DisplayOnly,
    /// Applied with `--unsafe-fixes`: valid, but may change what the image does.
    Unsafe,
    /// Applied by `--fix`: keeps what the image does.
    Safe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Safe => "safe",
            Self::Unsafe => "unsafe",
            Self::DisplayOnly => "display-only",
        }
    }
}

/// Replace the bytes of `range` with `content` (an empty range inserts, empty content
/// deletes).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Edit {
    pub range: TextRange,
    pub content: String,
}

impl Edit {
    pub fn replace(range: TextRange, content: impl Into<String>) -> Self {
        Edit {
            range,
            content: content.into(),
        }
    }

    pub fn insert(offset: TextSize, content: impl Into<String>) -> Self {
        Edit {
            range: TextRange::empty(offset),
            content: content.into(),
        }
    }

    pub fn delete(range: TextRange) -> Self {
        Edit {
            range,
            content: String::new(),
        }
    }

    pub fn is_insertion(&self) -> bool {
        self.range.is_empty()
    }
}

/// Edits that together resolve one finding, with a title for menus ("Remove the trailing
/// comma") and an applicability decided by the rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    /// Sorted by position, not overlapping.
    pub edits: Vec<Edit>,
    pub applicability: Applicability,
}

impl Fix {
    pub fn new(
        title: impl Into<String>,
        applicability: Applicability,
        mut edits: Vec<Edit>,
    ) -> Self {
        edits.sort_by_key(|e| (e.range.start(), e.range.end()));
        Fix {
            title: title.into(),
            edits,
            applicability,
        }
    }

    pub fn safe(title: impl Into<String>, edits: Vec<Edit>) -> Self {
        Self::new(title, Applicability::Safe, edits)
    }

    pub fn unsafe_edits(title: impl Into<String>, edits: Vec<Edit>) -> Self {
        Self::new(title, Applicability::Unsafe, edits)
    }

    pub fn display_only(title: impl Into<String>, edits: Vec<Edit>) -> Self {
        Self::new(title, Applicability::DisplayOnly, edits)
    }

    /// The smallest range covering every edit.
    pub fn range(&self) -> Option<TextRange> {
        let first = self.edits.first()?.range;
        Some(self.edits.iter().fold(first, |acc, e| acc.cover(e.range)))
    }

    /// Whether it may be applied when `required` is what the user allowed.
    pub fn applies(&self, required: Applicability) -> bool {
        self.applicability >= required
    }
}

/// Applies sorted, non-overlapping edits to `source`.
///
/// # Panics
/// When edits overlap or are out of order (callers sort and filter them first).
pub fn apply_edits<'a>(source: &str, edits: impl IntoIterator<Item = &'a Edit>) -> String {
    let mut out = String::with_capacity(source.len());
    let mut last = 0usize;
    for edit in edits {
        let start = edit.range.start().to_usize();
        assert!(start >= last, "overlapping edits");
        out.push_str(&source[last..start]);
        out.push_str(&edit.content);
        last = edit.range.end().to_usize();
    }
    out.push_str(&source[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applies_in_order() {
        let source = "CMD [\"a\", ]";
        let edits = [
            Edit::delete(TextRange::from_usize(8, 10)),
            Edit::insert(TextSize::new(11), "\n"),
        ];
        assert_eq!(apply_edits(source, &edits), "CMD [\"a\"]\n");
        let fix = Fix::safe("x", edits.to_vec());
        assert_eq!(fix.range(), Some(TextRange::from_usize(8, 11)));
        assert!(fix.applies(Applicability::Unsafe));
        assert!(!Fix::unsafe_edits("x", vec![]).applies(Applicability::Safe));
    }
}
