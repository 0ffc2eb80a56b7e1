//! style rules.
