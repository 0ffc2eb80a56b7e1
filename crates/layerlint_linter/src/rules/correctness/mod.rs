//! `LL1xx`: mistakes that break the build or change what the container does.

pub(crate) mod invalid_json_exec_form;
