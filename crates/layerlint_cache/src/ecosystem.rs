//! What the optimizer knows about each package ecosystem: the files a dependency install
//! reads, the lock files, what it writes into the project, and where its download cache
//! lives. Data only; the commands are recognised in [`crate::classify`].

use serde::Serialize;

/// A package ecosystem whose dependency install the optimizer can plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Ecosystem {
    Npm,
    Yarn,
    YarnBerry,
    Pnpm,
    Bun,
    Pip,
    Poetry,
    Uv,
    Pipenv,
    Go,
    Cargo,
    Maven,
    Gradle,
    Bundler,
    Composer,
    Dotnet,
    Mix,
}

/// The facts about one ecosystem.
#[derive(Debug)]
pub struct EcosystemInfo {
    pub ecosystem: Ecosystem,
    /// How people call it: `npm`, `yarn (berry)`, `Go modules`.
    pub name: &'static str,
    /// Files the install cannot run without, relative to the project directory.
    pub manifests: &'static [&'static str],
    /// Lock files: copied when they exist. The first is the usual one.
    pub locks: &'static [&'static str],
    /// Configuration files and directories the install reads when they exist.
    pub extras: &'static [&'static str],
    /// Without a build context: what to copy (`*` suffixes let a missing file be skipped,
    /// as `COPY` allows a wildcard that matches nothing).
    pub conventional: &'static [&'static str],
    /// What the install writes into the project directory (a copy of the sources made
    /// after the install would overwrite them when the context holds them).
    pub outputs: &'static [&'static str],
    /// Download caches, relative to the user's home unless absolute (a `RUN --mount=type=cache`
    /// target each).
    pub caches: &'static [&'static str],
}

impl Ecosystem {
    pub const ALL: [Ecosystem; 17] = [
        Ecosystem::Npm,
        Ecosystem::Yarn,
        Ecosystem::YarnBerry,
        Ecosystem::Pnpm,
        Ecosystem::Bun,
        Ecosystem::Pip,
        Ecosystem::Poetry,
        Ecosystem::Uv,
        Ecosystem::Pipenv,
        Ecosystem::Go,
        Ecosystem::Cargo,
        Ecosystem::Maven,
        Ecosystem::Gradle,
        Ecosystem::Bundler,
        Ecosystem::Composer,
        Ecosystem::Dotnet,
        Ecosystem::Mix,
    ];

    pub fn info(self) -> &'static EcosystemInfo {
        &ECOSYSTEMS[self as usize]
    }

    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// Whether a wildcard pattern (a file name, no directory) picks manifest files: it
    /// matches one (`package*.json`, `go.sum*`) or is an ecosystem's conventional pattern.
    pub fn is_manifest_pattern(pattern: &str) -> bool {
        // Matched against every ecosystem's names: those that do not start with the
        // pattern's literal head are passed over at once.
        let head = crate::paths::literal_head(pattern);
        let glob = crate::paths::Glob::new(pattern);
        let matches = |name: &str| name.starts_with(head) && glob.matches(name);
        let broad = [
            "index.js",
            "main.go",
            "app.py",
            "src",
            "main.rs",
            "Program.cs",
            "index.php",
        ]
        .iter()
        .any(|name| matches(name));
        !broad
            && (Self::is_manifest_name(pattern)
                || ECOSYSTEMS.iter().any(|e| {
                    e.conventional.contains(&pattern)
                        || e.manifests
                            .iter()
                            .chain(e.locks)
                            .chain(e.extras)
                            .any(|m| matches(m.trim_end_matches('/')))
                })
                || matches("requirements.txt"))
    }

    /// Whether `name` (a file name, no directory) is a manifest, lock or configuration file
    /// of any ecosystem.
    pub fn is_manifest_name(name: &str) -> bool {
        let (exact, patterns) = manifest_names();
        exact.binary_search(&name).is_ok()
            || patterns
                .iter()
                .any(|m| crate::paths::glob_match(m, name) || m.trim_end_matches('/') == name)
            || name.starts_with("requirements") && name.ends_with(".txt")
            || [".csproj", ".fsproj", ".vbproj", ".sln", ".gemspec"]
                .iter()
                .any(|ext| name.ends_with(ext))
    }
}

/// The manifest, lock and configuration names of every ecosystem, split once into exact
/// names (sorted, without a trailing `/`) and wildcard patterns: asked for each file of
/// a build context, so a name is looked up, not matched against each pattern in turn.
fn manifest_names() -> &'static (Vec<&'static str>, Vec<&'static str>) {
    static NAMES: std::sync::OnceLock<(Vec<&'static str>, Vec<&'static str>)> =
        std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        let (mut exact, mut patterns) = (Vec::new(), Vec::new());
        for m in ECOSYSTEMS
            .iter()
            .flat_map(|e| e.manifests.iter().chain(e.locks).chain(e.extras))
        {
            if m.contains(['*', '?', '[', '\\']) {
                patterns.push(*m);
            } else {
                exact.push(m.trim_end_matches('/'));
            }
        }
        exact.sort_unstable();
        exact.dedup();
        patterns.sort_unstable();
        patterns.dedup();
        (exact, patterns)
    })
}

/// Indexed by `Ecosystem as usize`.
static ECOSYSTEMS: [EcosystemInfo; 17] = [
    EcosystemInfo {
        ecosystem: Ecosystem::Npm,
        name: "npm",
        manifests: &["package.json"],
        locks: &["package-lock.json", "npm-shrinkwrap.json"],
        extras: &[".npmrc"],
        conventional: &["package*.json", ".npmrc*"],
        outputs: &["node_modules"],
        caches: &[".npm"],
    },
    EcosystemInfo {
        ecosystem: Ecosystem::Yarn,
        name: "yarn",
        manifests: &["package.json"],
        locks: &["yarn.lock"],
        extras: &[".yarnrc", ".npmrc"],
        conventional: &["package.json", "yarn.lock*", ".yarnrc*", ".npmrc*"],
        outputs: &["node_modules"],
        caches: &[".cache/yarn"],
    },
    EcosystemInfo {
        ecosystem: Ecosystem::YarnBerry,
        name: "yarn (berry)",
        manifests: &["package.json", ".yarnrc.yml"],
        locks: &["yarn.lock"],
        extras: &[
            ".yarn/releases/",
            ".yarn/plugins/",
            ".yarn/patches/",
            ".yarn/sdks/",
        ],
        conventional: &["package.json", "yarn.lock*", ".yarnrc.yml"],
        outputs: &["node_modules", ".pnp.cjs", ".pnp.loader.mjs"],
        caches: &[".yarn/berry/cache"],
    },
    EcosystemInfo {
        ecosystem: Ecosystem::Pnpm,
        name: "pnpm",
        manifests: &["package.json"],
        locks: &["pnpm-lock.yaml"],
        extras: &[
            ".npmrc",
            "pnpm-workspace.yaml",
            ".pnpmfile.cjs",
            ".pnpmfile.mjs",
            "patches/",
        ],
        conventional: &[
            "package.json",
            "pnpm-lock.yaml*",
            ".npmrc*",
            "pnpm-workspace.yaml*",
        ],
        outputs: &["node_modules"],
        caches: &[".local/share/pnpm/store"],
    },
    EcosystemInfo {
        ecosystem: Ecosystem::Bun,
        name: "bun",
        manifests: &["package.json"],
        locks: &["bun.lock", "bun.lockb"],
        extras: &["bunfig.toml", ".npmrc"],
        conventional: &["package.json", "bun.lock*"],
        outputs: &["node_modules"],
        caches: &[".bun/install/cache"],
    },
    EcosystemInfo {
        ecosystem: Ecosystem::Pip,
        name: "pip",
        // The requirement files are the install's own arguments.
        manifests: &[],
        locks: &[],
        extras: &["pip.conf"],
        conventional: &["requirements*.txt"],
        outputs: &[],
        caches: &[".cache/pip"],
    },
    EcosystemInfo {
        ecosystem: Ecosystem::Poetry,
        name: "Poetry",
        manifests: &["pyproject.toml"],
        locks: &["poetry.lock"],
        extras: &["poetry.toml"],
        conventional: &["pyproject.toml", "poetry.lock*", "poetry.toml*"],
        outputs: &[".venv"],
        caches: &[".cache/pypoetry"],
    },
    EcosystemInfo {
        ecosystem: Ecosystem::Uv,
        name: "uv",
        manifests: &["pyproject.toml"],
        locks: &["uv.lock"],
        extras: &[".python-version", "uv.toml"],
        conventional: &["pyproject.toml", "uv.lock*", ".python-version*"],
        outputs: &[".venv"],
        caches: &[".cache/uv"],
    },
    EcosystemInfo {
        ecosystem: Ecosystem::Pipenv,
        name: "Pipenv",
        manifests: &["Pipfile"],
        locks: &["Pipfile.lock"],
        extras: &[],
        conventional: &["Pipfile", "Pipfile.lock*"],
        outputs: &[".venv"],
        caches: &[".cache/pipenv", ".cache/pip"],
    },
    EcosystemInfo {
        ecosystem: Ecosystem::Go,
        name: "Go modules",
        manifests: &["go.mod"],
        locks: &["go.sum"],
        extras: &[],
        conventional: &["go.mod", "go.sum*"],
        outputs: &[],
        caches: &["/go/pkg/mod", ".cache/go-build"],
    },
    EcosystemInfo {
        ecosystem: Ecosystem::Cargo,
        name: "Cargo",
        manifests: &["Cargo.toml"],
        locks: &["Cargo.lock"],
        extras: &[".cargo/"],
        conventional: &["Cargo.toml", "Cargo.lock*"],
        outputs: &["target"],
        caches: &["/usr/local/cargo/registry", "/usr/local/cargo/git/db"],
    },
    EcosystemInfo {
        ecosystem: Ecosystem::Maven,
        name: "Maven",
        manifests: &["pom.xml"],
        locks: &[],
        extras: &[".mvn/", "mvnw"],
        conventional: &["pom.xml"],
        outputs: &["target"],
        caches: &[".m2"],
    },
    EcosystemInfo {
        ecosystem: Ecosystem::Gradle,
        name: "Gradle",
        manifests: &[],
        locks: &["gradle.lockfile"],
        extras: &[
            "settings.gradle",
            "settings.gradle.kts",
            "build.gradle",
            "build.gradle.kts",
            "gradle.properties",
            "gradle/",
            "gradlew",
        ],
        conventional: &[
            "settings.gradle*",
            "build.gradle*",
            "gradle.properties*",
            "gradlew*",
        ],
        outputs: &["build", ".gradle"],
        caches: &[".gradle"],
    },
    EcosystemInfo {
        ecosystem: Ecosystem::Bundler,
        name: "Bundler",
        manifests: &["Gemfile"],
        locks: &["Gemfile.lock"],
        extras: &[".bundle/", ".ruby-version"],
        conventional: &["Gemfile", "Gemfile.lock*"],
        outputs: &["vendor/bundle"],
        caches: &[".gem"],
    },
    EcosystemInfo {
        ecosystem: Ecosystem::Composer,
        name: "Composer",
        manifests: &["composer.json"],
        locks: &["composer.lock"],
        extras: &["auth.json"],
        conventional: &["composer.json", "composer.lock*"],
        outputs: &["vendor"],
        caches: &[".composer/cache"],
    },
    EcosystemInfo {
        ecosystem: Ecosystem::Dotnet,
        name: ".NET",
        // The project and solution files are found by extension.
        manifests: &[],
        locks: &["packages.lock.json"],
        extras: &[
            "Directory.Build.props",
            "Directory.Build.targets",
            "Directory.Packages.props",
            "NuGet.config",
            "nuget.config",
            "NuGet.Config",
            "global.json",
        ],
        conventional: &["*.sln", "*.csproj", "*.fsproj", "*.vbproj"],
        outputs: &["obj", "bin"],
        caches: &[".nuget/packages"],
    },
    EcosystemInfo {
        ecosystem: Ecosystem::Mix,
        name: "Mix",
        manifests: &["mix.exs"],
        locks: &["mix.lock"],
        extras: &[],
        conventional: &["mix.exs", "mix.lock*"],
        outputs: &["deps", "_build"],
        caches: &[".hex", ".mix"],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_indexed_by_ecosystem() {
        for ecosystem in Ecosystem::ALL {
            assert_eq!(ecosystem.info().ecosystem, ecosystem);
        }
        assert!(Ecosystem::is_manifest_name("package-lock.json"));
        assert!(Ecosystem::is_manifest_name("requirements-dev.txt"));
        assert!(Ecosystem::is_manifest_name("App.csproj"));
        assert!(!Ecosystem::is_manifest_name("index.ts"));
        assert!(Ecosystem::is_manifest_pattern("package*.json"));
        assert!(Ecosystem::is_manifest_pattern("go.sum*"));
        assert!(!Ecosystem::is_manifest_pattern("*"));
        assert!(!Ecosystem::is_manifest_pattern("*.js"));
    }
}
