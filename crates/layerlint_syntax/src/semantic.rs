//! Stages and variable scopes.
