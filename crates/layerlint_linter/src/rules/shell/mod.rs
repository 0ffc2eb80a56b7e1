//! shell rules.

pub(crate) mod cd_instead_of_workdir;
pub(crate) mod consecutive_run;
pub(crate) mod copy_archive_then_extract;
pub(crate) mod ln_sh_instead_of_shell;
pub(crate) mod missing_pipefail;
pub(crate) mod pointless_command;
pub(crate) mod run_inside_run;
pub(crate) mod run_support;
pub(crate) mod shellcheck;
pub(crate) mod useradd_without_no_log_init;
pub(crate) mod wget_and_curl;
pub(crate) mod wget_without_progress;
