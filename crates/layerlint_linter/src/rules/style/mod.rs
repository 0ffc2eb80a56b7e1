//! style rules.

pub(crate) mod empty_label;
pub(crate) mod invalid_label_key;
pub(crate) mod label_not_email;
pub(crate) mod label_not_git_hash;
pub(crate) mod label_not_rfc3339;
pub(crate) mod label_not_semver;
pub(crate) mod label_not_spdx;
pub(crate) mod label_not_url;
pub(crate) mod labels;
pub(crate) mod missing_healthcheck;
pub(crate) mod missing_label;
pub(crate) mod superfluous_label;
