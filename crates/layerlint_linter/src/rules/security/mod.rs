//! security rules.
