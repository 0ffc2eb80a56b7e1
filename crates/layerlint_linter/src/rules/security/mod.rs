//! security rules.

pub(crate) mod final_user;
pub(crate) mod hardcoded_credential;
pub(crate) mod missing_user;
pub(crate) mod root_user;
pub(crate) mod secret_in_arg_or_env;
