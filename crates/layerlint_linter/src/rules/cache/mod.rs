//! cache rules.
