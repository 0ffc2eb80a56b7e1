//! security rules.

pub(crate) mod secret_in_arg_or_env;
