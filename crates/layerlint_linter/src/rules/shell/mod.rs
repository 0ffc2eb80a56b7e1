//! shell rules.
