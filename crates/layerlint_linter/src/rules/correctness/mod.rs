//! `LL1xx`: mistakes that break the build or change what the container does.

pub(crate) mod constant_platform;
pub(crate) mod duplicate_stage_name;
pub(crate) mod expose_host_mapping;
pub(crate) mod expose_protocol_casing;
pub(crate) mod invalid_default_arg_in_from;
pub(crate) mod invalid_json_exec_form;
pub(crate) mod multiple_cmd;
pub(crate) mod multiple_entrypoint;
pub(crate) mod multiple_healthcheck;
pub(crate) mod redundant_target_platform;
pub(crate) mod relative_workdir;
pub(crate) mod reserved_stage_name;
pub(crate) mod shell_form_cmd;
pub(crate) mod undefined_arg_in_from;
pub(crate) mod undefined_variable;
pub(crate) mod variables;
