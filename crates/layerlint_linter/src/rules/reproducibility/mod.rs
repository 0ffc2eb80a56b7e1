//! reproducibility rules.
