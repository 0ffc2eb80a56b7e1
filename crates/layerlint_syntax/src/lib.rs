//! A lossless Dockerfile parser with BuildKit's semantics.
//!
//! [`parse`] never fails: it returns the tree and every problem found ([`Parse`]). The
//! tree keeps every byte of the input (see [`ast::Dockerfile::print`]) and gives each
//! instruction's parts with exact byte ranges, across line continuations and heredocs.
//!
//! Behaviour follows BuildKit's `frontend/dockerfile/parser` (directives, line
//! continuations, comments inside continuations, "maybe JSON", heredocs, flags) and
//! the argument checks of its instruction layer. [`buildkit::dump`] prints BuildKit's own
//! AST dump, so the two can be compared on BuildKit's test files.

pub mod ast;
pub mod buildkit;
pub mod debug;
mod error;
pub mod expand;
mod goquote;
mod heredoc;
pub mod image;
mod json;
mod line;
pub mod mount;
mod parser;
pub mod semantic;
mod validate;
mod words;

pub use ast::*;
pub use error::{ParseError, ParseErrorKind};
pub use goquote::{c_escape, go_quote};
pub use heredoc::{HeredocMarker, parse_heredoc_marker};
pub use json::json_escape;
pub use parser::{Parse, parse};
pub use validate::{parse_go_duration, valid_stage_name};
