//! security rules.

pub(crate) mod chpasswd;
pub(crate) mod copy_whole_filesystem;
pub(crate) mod final_user;
pub(crate) mod hardcoded_credential;
pub(crate) mod missing_user;
pub(crate) mod non_numeric_user;
pub(crate) mod pipe_to_shell;
pub(crate) mod root_user;
pub(crate) mod secret_in_arg_or_env;
pub(crate) mod sudo;
pub(crate) mod tls_verification_disabled;
pub(crate) mod unauthenticated_packages;
pub(crate) mod untrusted_registry;
