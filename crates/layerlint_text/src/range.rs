use std::fmt;
use std::ops::{Add, AddAssign, Index, Range, Sub};

/// A byte offset into a text. `u32`: layerlint refuses inputs of 4 GiB and more.
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TextSize(u32);

impl TextSize {
    pub const ZERO: TextSize = TextSize(0);

    #[inline]
    pub const fn new(offset: u32) -> Self {
        TextSize(offset)
    }

    /// The offset of a `usize` position.
    ///
    /// # Panics
    /// When `offset` does not fit in 32 bits; callers check the input size up front.
    #[inline]
    #[track_caller]
    pub fn from_usize(offset: usize) -> Self {
        TextSize(u32::try_from(offset).expect("text offsets are limited to 4 GiB"))
    }

    /// The length of `text` in bytes.
    #[inline]
    pub fn of(text: &str) -> Self {
        Self::from_usize(text.len())
    }

    #[inline]
    pub const fn to_u32(self) -> u32 {
        self.0
    }

    #[inline]
    pub const fn to_usize(self) -> usize {
        self.0 as usize
    }

    #[inline]
    pub fn checked_sub(self, rhs: TextSize) -> Option<TextSize> {
        self.0.checked_sub(rhs.0).map(TextSize)
    }
}

impl fmt::Debug for TextSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl fmt::Display for TextSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl From<u32> for TextSize {
    fn from(value: u32) -> Self {
        TextSize(value)
    }
}

impl From<TextSize> for u32 {
    fn from(value: TextSize) -> Self {
        value.0
    }
}

impl From<TextSize> for usize {
    fn from(value: TextSize) -> Self {
        value.0 as usize
    }
}

impl Add for TextSize {
    type Output = TextSize;
    #[inline]
    fn add(self, rhs: TextSize) -> TextSize {
        TextSize(self.0 + rhs.0)
    }
}

impl AddAssign for TextSize {
    #[inline]
    fn add_assign(&mut self, rhs: TextSize) {
        self.0 += rhs.0;
    }
}

impl Sub for TextSize {
    type Output = TextSize;
    #[inline]
    fn sub(self, rhs: TextSize) -> TextSize {
        TextSize(self.0 - rhs.0)
    }
}

/// A half-open byte range `start..end`.
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TextRange {
    start: TextSize,
    end: TextSize,
}

impl TextRange {
    /// # Panics
    /// When `end < start`.
    #[inline]
    #[track_caller]
    pub fn new(start: TextSize, end: TextSize) -> Self {
        assert!(start <= end, "invalid text range {start:?}..{end:?}");
        TextRange { start, end }
    }

    /// A range from `usize` offsets.
    #[inline]
    #[track_caller]
    pub fn from_usize(start: usize, end: usize) -> Self {
        Self::new(TextSize::from_usize(start), TextSize::from_usize(end))
    }

    #[inline]
    pub fn at(start: TextSize, len: TextSize) -> Self {
        TextRange {
            start,
            end: start + len,
        }
    }

    #[inline]
    pub fn empty(offset: TextSize) -> Self {
        TextRange {
            start: offset,
            end: offset,
        }
    }

    /// The range covering the whole of `text`.
    #[inline]
    pub fn up_to(end: TextSize) -> Self {
        TextRange {
            start: TextSize::ZERO,
            end,
        }
    }

    #[inline]
    pub const fn start(self) -> TextSize {
        self.start
    }

    #[inline]
    pub const fn end(self) -> TextSize {
        self.end
    }

    #[inline]
    pub fn len(self) -> TextSize {
        self.end - self.start
    }

    #[inline]
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// Whether `offset` lies in `start..end` (the end excluded).
    #[inline]
    pub fn contains(self, offset: TextSize) -> bool {
        self.start <= offset && offset < self.end
    }

    /// Whether `offset` lies in `start..=end`.
    #[inline]
    pub fn contains_inclusive(self, offset: TextSize) -> bool {
        self.start <= offset && offset <= self.end
    }

    #[inline]
    pub fn contains_range(self, other: TextRange) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// Whether the two ranges share at least one byte.
    #[inline]
    pub fn overlaps(self, other: TextRange) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// The smallest range covering both.
    #[inline]
    pub fn cover(self, other: TextRange) -> TextRange {
        TextRange {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    #[inline]
    pub fn add_start(self, amount: TextSize) -> TextRange {
        TextRange::new(self.start + amount, self.end)
    }

    #[inline]
    pub fn sub_end(self, amount: TextSize) -> TextRange {
        TextRange::new(self.start, self.end - amount)
    }

    /// This range moved right by `offset`.
    #[inline]
    pub fn shift(self, offset: TextSize) -> TextRange {
        TextRange {
            start: self.start + offset,
            end: self.end + offset,
        }
    }

    #[inline]
    pub fn to_std(self) -> Range<usize> {
        self.start.to_usize()..self.end.to_usize()
    }
}

impl fmt::Debug for TextRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start.0, self.end.0)
    }
}

impl From<TextRange> for Range<usize> {
    fn from(value: TextRange) -> Self {
        value.to_std()
    }
}

impl Index<TextRange> for str {
    type Output = str;
    #[inline]
    fn index(&self, index: TextRange) -> &str {
        &self[index.to_std()]
    }
}

impl Index<TextRange> for String {
    type Output = str;
    #[inline]
    fn index(&self, index: TextRange) -> &str {
        &self[index.to_std()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_basics() {
        let r = TextRange::from_usize(2, 5);
        assert_eq!(r.len(), TextSize::new(3));
        assert!(r.contains(TextSize::new(2)));
        assert!(!r.contains(TextSize::new(5)));
        assert!(r.contains_inclusive(TextSize::new(5)));
        assert!(r.overlaps(TextRange::from_usize(4, 9)));
        assert!(!r.overlaps(TextRange::from_usize(5, 9)));
        assert_eq!(
            r.cover(TextRange::from_usize(7, 9)),
            TextRange::from_usize(2, 9)
        );
        assert_eq!(&"hello world"[r], "llo");
    }

    /// Ranges that only touch do not overlap, whichever comes first (fixes whose edits
    /// meet end to start are applied together); a range shares bytes with any range that
    /// starts or ends inside it.
    #[test]
    fn overlap_and_containment_at_the_edges() {
        let r = TextRange::from_usize(2, 5);
        assert!(!r.overlaps(TextRange::from_usize(0, 2)));
        assert!(!TextRange::from_usize(0, 2).overlaps(r));
        assert!(r.overlaps(TextRange::from_usize(0, 3)));
        assert!(r.overlaps(TextRange::from_usize(3, 4)));
        assert!(!r.contains_inclusive(TextSize::new(1)));
        assert!(!r.contains_inclusive(TextSize::new(6)));
        assert!(r.contains_range(r));
        assert!(r.contains_range(TextRange::from_usize(3, 4)));
        assert!(!r.contains_range(TextRange::from_usize(1, 4)));
        assert!(!r.contains_range(TextRange::from_usize(3, 6)));
        assert!(TextRange::empty(TextSize::new(4)).is_empty());
        assert!(!r.is_empty());
        assert_eq!(
            TextRange::empty(TextSize::new(4)),
            TextRange::from_usize(4, 4)
        );
    }

    #[test]
    fn moving_and_trimming() {
        let r = TextRange::from_usize(2, 5);
        assert_eq!(r.shift(TextSize::new(10)), TextRange::from_usize(12, 15));
        assert_eq!(r.add_start(TextSize::new(1)), TextRange::from_usize(3, 5));
        assert_eq!(r.sub_end(TextSize::new(1)), TextRange::from_usize(2, 4));
        assert_eq!(
            TextSize::new(5).checked_sub(TextSize::new(2)),
            Some(TextSize::new(3))
        );
        assert_eq!(TextSize::new(2).checked_sub(TextSize::new(5)), None);
        let mut size = TextSize::new(3);
        size += TextSize::new(4);
        assert_eq!(size, TextSize::new(7));
        assert_eq!(format!("{r:?} {size} {size:?}"), "2..5 7 7");
        assert_eq!(TextSize::from(7u32), size);
        assert_eq!((u32::from(size), usize::from(size)), (7, 7));
        assert_eq!(Range::<usize>::from(r), 2..5);
    }

    #[test]
    #[should_panic(expected = "invalid text range")]
    fn inverted_range_panics() {
        let _ = TextRange::from_usize(5, 2);
    }
}
