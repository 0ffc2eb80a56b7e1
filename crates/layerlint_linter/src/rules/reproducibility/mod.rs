//! reproducibility rules.

pub(crate) mod base_image;
pub(crate) mod latest_base_image;
pub(crate) mod unpinned_apk_package;
pub(crate) mod unpinned_apt_package;
pub(crate) mod unpinned_gem;
pub(crate) mod unpinned_go_install;
pub(crate) mod unpinned_npm_package;
pub(crate) mod unpinned_pip_package;
pub(crate) mod unpinned_rpm_package;
pub(crate) mod unpinned_zypper_package;
pub(crate) mod untagged_base_image;
