//! The build context and the layer-cache model.
//!
//! - [`dockerignore`]: which paths of the build context Docker leaves out, with Docker's exact
//!   semantics, and which ignore file applies to a Dockerfile.
//! - [`BuildContext`]: the files `docker build` sends, on disk or in memory.
//! - [`model`]: per stage, the instructions that make cache steps and what each one's cache
//!   key depends on; which steps rebuild when a context path changes.
//! - [`classify`] and [`ecosystem`]: what a RUN reads (nothing, a package manager's
//!   manifests, the sources), and what each package ecosystem's install needs.
//! - [`optimize`]: the dependency-install planner that moves the copy of the sources after
//!   the install; [`equivalence`] checks that a rewrite keeps the image.
//! - [`report`]: the `layerlint cache` report.

pub mod classify;
mod context;
pub mod dockerignore;
pub mod ecosystem;
pub mod equivalence;
pub mod features;
pub mod model;
pub mod optimize;
pub mod paths;
pub mod report;
pub mod scopes;
pub mod script;
pub mod stage;
pub mod suggest;

pub use context::{BuildContext, MAX_LISTED_FILES, OPAQUE_DIRS};

pub use dockerignore::{
    DockerIgnore, IgnoreError, IgnoreFile, Pattern, PatternErrorKind, Verdict, find_ignore_file,
    load_ignore_file,
};
