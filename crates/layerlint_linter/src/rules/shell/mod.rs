//! shell rules.

pub(crate) mod shellcheck;
