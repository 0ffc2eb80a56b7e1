//! `LL1xx`: mistakes that break the build or change what the container does.

pub(crate) mod add_instead_of_copy;
pub(crate) mod copy_dest_not_directory;
pub(crate) mod copy_from_later_stage;
pub(crate) mod copy_from_own_stage;
pub(crate) mod copy_from_unknown_stage;
pub(crate) mod copy_relative_dest_without_workdir;
pub(crate) mod env_self_reference;
pub(crate) mod instruction_before_from;
pub(crate) mod invalid_expose_port;
pub(crate) mod invalid_json_exec_form;
pub(crate) mod onbuild_invalid_trigger;
pub(crate) mod stage_refs;
