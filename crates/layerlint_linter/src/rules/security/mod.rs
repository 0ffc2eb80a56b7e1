//! security rules.

pub(crate) mod hardcoded_credential;
pub(crate) mod root_user;
