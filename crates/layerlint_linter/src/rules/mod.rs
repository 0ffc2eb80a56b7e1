//! The rules, one file each, by category. `build.rs` finds them and generates `Rule`.

pub(crate) mod cache;
pub(crate) mod correctness;
pub(crate) mod reproducibility;
pub(crate) mod security;
pub(crate) mod shell;
pub(crate) mod style;
pub(crate) mod syntax;
