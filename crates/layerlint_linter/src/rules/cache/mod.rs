//! cache rules.

pub(crate) mod copy_ignored_file;
pub(crate) mod dependency_install_after_source_copy;
pub(crate) mod dockerignore_missing_entries;
pub(crate) mod missing_cache_mount;
pub(crate) mod missing_dockerignore;
pub(crate) mod npm_install_with_lockfile;
mod support;
