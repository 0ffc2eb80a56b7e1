//! cache rules.

pub(crate) mod add_url_without_checksum;
pub(crate) mod chmod_after_copy;
pub(crate) mod cleanup_in_later_layer;
pub(crate) mod copy_ignored_file;
pub(crate) mod dependency_install_after_source_copy;
pub(crate) mod dockerignore_missing_entries;
pub(crate) mod missing_cache_mount;
pub(crate) mod missing_dockerignore;
pub(crate) mod npm_install_with_lockfile;
mod support;
pub(crate) mod volatile_arg_before_expensive_step;
