//! `LL0xx`: syntax, directives and suppression comments.

pub(crate) mod empty_continuation_line;
pub(crate) mod invalid_instruction;
pub(crate) mod invalid_suppression;
pub(crate) mod syntax_error;
pub(crate) mod unknown_suppressed_rule;
pub(crate) mod unused_suppression;
