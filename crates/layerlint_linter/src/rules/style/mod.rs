//! style rules.

pub(crate) mod from_as_casing;
pub(crate) mod inconsistent_instruction_casing;
pub(crate) mod invalid_definition_description;
pub(crate) mod legacy_key_value_format;
pub(crate) mod maintainer_deprecated;
pub(crate) mod stage_name_casing;
