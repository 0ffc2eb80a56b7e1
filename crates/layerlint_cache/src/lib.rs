//! The build context and (later) the layer-cache model.
//!
//! [`dockerignore`]: which paths of the build context Docker leaves out, with Docker's exact
//! semantics, and which ignore file applies to a Dockerfile.

mod context;
pub mod dockerignore;

pub use context::BuildContext;

pub use dockerignore::{
    DockerIgnore, IgnoreError, IgnoreFile, Pattern, PatternErrorKind, Verdict, find_ignore_file,
    load_ignore_file,
};
