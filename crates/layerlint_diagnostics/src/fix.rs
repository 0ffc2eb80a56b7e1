use std::path::PathBuf;

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

    /// Whether this edit and `other` cannot both be applied in one pass: their ranges
    /// overlap, they insert at the same offset, or one inserts at either end of the text
    /// the other replaces (it was computed against that text: one fix rewrites a broken
    /// `[…, ]` while another adds `/` after its `]`). The one left out is computed again
    /// on the next pass.
    pub fn conflicts(&self, other: &Edit) -> bool {
        let (a, b) = (self.range, other.range);
        let inserts_at_edge = |insert: TextRange, replaced: TextRange| {
            insert.is_empty()
                && !replaced.is_empty()
                && replaced.start() <= insert.start()
                && insert.start() <= replaced.end()
        };
        a.overlaps(b) || (a.is_empty() && a == b) || inserts_at_edge(a, b) || inserts_at_edge(b, a)
    }
}

/// A change to a file other than the Dockerfile, such as the build context's
/// `.dockerignore`: a fix that creates or extends it carries one. Whoever writes fixes
/// (the CLI, the language server as a `WorkspaceEdit`) resolves the path against the
/// build context directory.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileEdit {
    /// Relative to the build context (`.dockerignore`), or absolute when the file is
    /// outside it (a `Dockerfile.dockerignore` next to a Dockerfile elsewhere).
    pub path: PathBuf,
    pub change: FileChange,
}

/// What a [`FileEdit`] does.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FileChange {
    /// Create the file with this content; does not apply when the file exists.
    Create(String),
    /// Add this text at the end (after a line ending, when the file does not end with one);
    /// does not apply when the file does not exist.
    Append(String),
}

impl FileEdit {
    pub fn create(path: impl Into<PathBuf>, content: impl Into<String>) -> Self {
        FileEdit {
            path: path.into(),
            change: FileChange::Create(content.into()),
        }
    }

    pub fn append(path: impl Into<PathBuf>, content: impl Into<String>) -> Self {
        FileEdit {
            path: path.into(),
            change: FileChange::Append(content.into()),
        }
    }

    /// The file's content after the edit, given its current content (`None`: it does not
    /// exist); `None` when the edit does not apply.
    pub fn apply(&self, current: Option<&str>) -> Option<String> {
        match (&self.change, current) {
            (FileChange::Create(content), None) => Some(content.clone()),
            (FileChange::Append(text), Some(current)) => {
                let mut out = current.to_owned();
                if !out.is_empty() && !out.ends_with('\n') {
                    out.push_str(if out.contains("\r\n") { "\r\n" } else { "\n" });
                }
                out.push_str(text);
                Some(out)
            }
            _ => None,
        }
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
    /// Changes to other files (empty for most fixes).
    pub files: Vec<FileEdit>,
    /// Text no other fix may edit in the same pass, besides this fix's own edits: a fix
    /// whose meaning depends on what the rest of an instruction says (a cache mount over
    /// the apt lists is wrong once another fix removes them) claims the instruction, and
    /// the other fixes there wait for the next pass, computed against its result.
    pub isolation: Option<TextRange>,
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
            files: Vec::new(),
            isolation: None,
        }
    }

    /// The fix, applied in a pass where no other fix edits `range` (see
    /// [`Fix::isolation`]).
    #[must_use]
    pub fn isolated(mut self, range: TextRange) -> Self {
        self.isolation = Some(range);
        self
    }

    /// Whether this fix and `other` cannot both be applied in one pass: an edit of one
    /// conflicts with an edit of the other ([`Edit::conflicts`]), or falls within the
    /// other's [`Fix::isolation`].
    pub fn conflicts(&self, other: &Fix) -> bool {
        let claims = |fix: &Fix, edits: &[Edit]| {
            fix.isolation.is_some_and(|claimed| {
                edits
                    .iter()
                    .any(|e| e.range.start() <= claimed.end() && claimed.start() <= e.range.end())
            })
        };
        self.edits
            .iter()
            .any(|a| other.edits.iter().any(|b| a.conflicts(b)))
            || claims(self, &other.edits)
            || claims(other, &self.edits)
    }

    /// The fix, also changing another file.
    #[must_use]
    pub fn with_file(mut self, edit: FileEdit) -> Self {
        self.files.push(edit);
        self
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

/// Fixes chosen to be applied together in one pass: in the order offered, each one that
/// conflicts with none already taken ([`Fix::conflicts`]). The fixes left out are
/// computed again on the next pass, against the text this one gives.
///
/// The fixes taken are found by where they are, so that a fix is compared only with
/// those near it: two fixes conflict, or one repeats the other's edits, only where the
/// text one edits or claims meets (or touches) the text the other does. Comparing each
/// with every fix taken made `--fix` on a generated file of 8,000 fixable lines take a
/// second.
#[derive(Debug, Default)]
pub struct FixSet<'f> {
    /// The fixes taken, by the start of the text each edits or claims ([`reach`]) and
    /// the order taken.
    taken: std::collections::BTreeMap<(TextSize, usize), &'f Fix>,
    /// The longest text a fix taken edits or claims: a fix starting further before a
    /// range than this cannot reach it.
    widest: TextSize,
}

/// The text a fix edits or claims ([`Fix::isolation`]), ends included; `None` for a fix
/// without edits or a claim, which meets no other.
fn reach(fix: &Fix) -> Option<TextRange> {
    match (fix.range(), fix.isolation) {
        (Some(edits), Some(claimed)) => Some(edits.cover(claimed)),
        (edits, claimed) => edits.or(claimed),
    }
}

impl<'f> FixSet<'f> {
    /// Takes `fix` unless it conflicts with a fix taken; whether it is in the set (a fix
    /// whose edits were all taken already, the same edit made for two findings, is).
    pub fn take(&mut self, fix: &'f Fix) -> bool {
        let reach = reach(fix);
        let near: Vec<&Fix> = match reach {
            Some(range) => self
                .taken
                .range(
                    (
                        range.start().checked_sub(self.widest).unwrap_or_default(),
                        0,
                    )..=(range.end(), usize::MAX),
                )
                .map(|(_, &taken)| taken)
                .filter(|taken| self::reach(taken).is_some_and(|r| r.end() >= range.start()))
                .collect(),
            None => Vec::new(),
        };
        let edits = || near.iter().flat_map(|t| &t.edits);
        if !fix.edits.is_empty() && fix.edits.iter().all(|e| edits().any(|t| t == e)) {
            return true;
        }
        if near.iter().any(|t| t.conflicts(fix)) {
            return false;
        }
        if let Some(range) = reach {
            self.widest = self.widest.max(range.len());
            self.taken.insert((range.start(), self.taken.len()), fix);
        }
        true
    }

    /// The edits of the fixes taken, sorted, each once.
    pub fn edits(&self) -> Vec<Edit> {
        let mut edits: Vec<Edit> = self
            .taken
            .values()
            .flat_map(|f| f.edits.iter().cloned())
            .collect();
        edits.sort_by_key(|e| (e.range.start(), e.range.end()));
        edits.dedup();
        edits
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

    /// A fix claiming a range keeps other fixes' edits out of it for the pass, at its
    /// edges too, in either order; fixes elsewhere, and the same edit twice, go in.
    #[test]
    fn fix_sets_and_isolation() {
        let insert = |at: usize, text: &str| Edit::insert(TextSize::from_usize(at), text);
        let mount = Fix::unsafe_edits("mount", vec![insert(3, " --mount")])
            .isolated(TextRange::from_usize(3, 20));
        let removal = Fix::safe("rm", vec![insert(20, " && rm")]);
        let elsewhere = Fix::safe("other", vec![insert(25, "x")]);
        assert!(mount.conflicts(&removal) && removal.conflicts(&mount));
        assert!(!mount.conflicts(&elsewhere));
        for order in [
            [&mount, &removal, &elsewhere],
            [&removal, &mount, &elsewhere],
        ] {
            let mut set = FixSet::default();
            let taken: Vec<bool> = order.iter().map(|f| set.take(f)).collect();
            assert_eq!(taken, [true, false, true]);
            assert_eq!(set.edits().len(), 2);
        }
        let again = removal.clone();
        let mut set = FixSet::default();
        assert!(set.take(&removal) && set.take(&again));
        assert_eq!(set.edits(), removal.edits);
    }

    /// What [`FixSet`] decides, comparing each fix with every fix taken.
    fn take_all(fixes: &[&Fix]) -> (Vec<bool>, Vec<Edit>) {
        let mut taken: Vec<&Fix> = Vec::new();
        let mut verdicts = Vec::new();
        for &fix in fixes {
            let edits = || taken.iter().flat_map(|t| &t.edits);
            let verdict =
                if !fix.edits.is_empty() && fix.edits.iter().all(|e| edits().any(|t| t == e)) {
                    true
                } else if taken.iter().any(|t| t.conflicts(fix)) {
                    false
                } else {
                    taken.push(fix);
                    true
                };
            verdicts.push(verdict);
        }
        let mut edits: Vec<Edit> = taken.iter().flat_map(|f| f.edits.iter().cloned()).collect();
        edits.sort_by_key(|e| (e.range.start(), e.range.end()));
        edits.dedup();
        (verdicts, edits)
    }

    proptest::proptest! {
        /// The set finding the fixes near a fix decides as comparing it with every fix
        /// taken does: fixes of up to three edits (insertions, replacements, repeats of
        /// another's edit) and claims, long and short, over a short text so that they meet.
        #[test]
        fn fix_sets_decide_as_comparing_with_every_fix(
            fixes in proptest::collection::vec(
                (
                    proptest::collection::vec((0usize..40, 0usize..6, 0usize..2), 0..4),
                    proptest::option::of((0usize..40, 0usize..30)),
                ),
                0..24,
            )
        ) {
            let fixes: Vec<Fix> = fixes
                .into_iter()
                .map(|(edits, claim)| {
                    let edits = edits
                        .into_iter()
                        .map(|(at, len, text)| {
                            Edit::replace(TextRange::from_usize(at, at + len), ["x", "yz"][text])
                        })
                        .collect();
                    let fix = Fix::safe("f", edits);
                    match claim {
                        Some((at, len)) => fix.isolated(TextRange::from_usize(at, at + len)),
                        None => fix,
                    }
                })
                .collect();
            let fixes: Vec<&Fix> = fixes.iter().collect();
            let mut set = FixSet::default();
            let verdicts: Vec<bool> = fixes.iter().map(|f| set.take(f)).collect();
            proptest::prop_assert_eq!((verdicts, set.edits()), take_all(&fixes));
        }
    }

    #[test]
    fn conflicting_edits() {
        let replace = |a: usize, b: usize| Edit::replace(TextRange::from_usize(a, b), "x");
        let insert = |at: usize| Edit::insert(TextSize::from_usize(at), "y");
        for (a, b, conflict) in [
            (replace(2, 6), replace(4, 8), true),
            (replace(2, 6), replace(6, 8), false),
            (replace(2, 6), insert(2), true),
            (replace(2, 6), insert(4), true),
            // At the end of the replaced text: `]` rewritten, `/` added after it.
            (replace(2, 6), insert(6), true),
            (replace(2, 6), insert(7), false),
            (insert(3), insert(3), true),
            (insert(3), insert(4), false),
        ] {
            assert_eq!(a.conflicts(&b), conflict, "{a:?} {b:?}");
            assert_eq!(b.conflicts(&a), conflict, "{b:?} {a:?}");
        }
    }

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
        // The names the JSON and SARIF reports give.
        assert_eq!(
            [
                Applicability::Safe,
                Applicability::Unsafe,
                Applicability::DisplayOnly
            ]
            .map(Applicability::as_str),
            ["safe", "unsafe", "display-only"]
        );
        assert!(edits[1].is_insertion());
        assert!(!edits[0].is_insertion());
    }

    #[test]
    fn file_edits() {
        let create = FileEdit::create(".dockerignore", ".git\n");
        assert_eq!(create.apply(None).as_deref(), Some(".git\n"));
        assert_eq!(create.apply(Some("x")), None);
        let append = FileEdit::append(".dockerignore", "node_modules\n");
        assert_eq!(
            append.apply(Some(".git")).as_deref(),
            Some(".git\nnode_modules\n")
        );
        assert_eq!(append.apply(None), None);
        // An empty file gets no blank first line; a CRLF file gets a CRLF line ending.
        assert_eq!(append.apply(Some("")).as_deref(), Some("node_modules\n"));
        assert_eq!(
            append.apply(Some(".git\r\n*.log")).as_deref(),
            Some(".git\r\n*.log\r\nnode_modules\n")
        );
        let fix = Fix::unsafe_edits("Create .dockerignore", vec![]).with_file(create);
        assert_eq!(fix.files.len(), 1);
        assert_eq!(fix.range(), None);
    }
}
