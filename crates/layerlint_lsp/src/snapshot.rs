//! The lint of one document version, kept so that code actions, hover and pulls need no
//! re-lint.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use layerlint_linter::fix::{FixOutcome, fix_file};
use layerlint_linter::{
    Applicability, BuildContext, Category, Diagnostic, LintResult, Settings, Target,
};
use layerlint_syntax::semantic::Semantic;
use layerlint_text::{LineIndex, PositionEncoding};
use tower_lsp_server::ls_types::{self as lsp, Uri};

use crate::convert::{self, Lines};

/// What a document is checked with, besides its text.
#[derive(Clone, Debug, Default)]
pub struct LintEnv {
    /// The document's path (for `<name>.dockerignore` and messages).
    pub path: Option<PathBuf>,
    pub settings: Arc<Settings>,
    /// The document's directory, as `docker build` would send it.
    pub context: Option<Arc<BuildContext>>,
    /// Which configuration this is (bumped when configuration files change).
    pub generation: u64,
}

impl LintEnv {
    fn target(&self) -> Target<'_> {
        Target {
            path: self.path.as_deref(),
            context: self.context.as_deref(),
        }
    }
}

/// Runs `f`, turning a panic into `None`: a bug in one rule must not take the editor's
/// server down (the panic message still goes to stderr, the server's log).
pub fn guard<T>(f: impl FnOnce() -> T) -> Option<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).ok()
}

/// A document version, parsed and checked.
#[derive(Debug)]
pub struct Snapshot {
    pub version: i32,
    pub env: LintEnv,
    pub result: LintResult,
    /// The lint panicked: the findings are missing (and the tree may be empty).
    pub crashed: bool,
    pub index: LineIndex,
    semantic: OnceLock<Semantic>,
    cache_findings: OnceLock<Vec<Diagnostic>>,
    /// The document with its safe fixes applied, and with its unsafe ones too ([`Snapshot::fixed`]).
    fixed: [OnceLock<Option<FixOutcome>>; 2],
}

impl Snapshot {
    /// Parses and lints `text`.
    pub fn new(text: &str, version: i32, env: LintEnv) -> Self {
        let linted = guard(|| layerlint_linter::lint_target(text, &env.target(), &env.settings));
        let crashed = linted.is_none();
        let result = linted.unwrap_or_else(|| LintResult {
            parse: guard(|| layerlint_syntax::parse(text))
                .unwrap_or_else(|| layerlint_syntax::parse("")),
            diagnostics: Vec::new(),
        });
        Snapshot {
            version,
            index: LineIndex::new(result.parse.file.source()),
            env,
            result,
            crashed,
            semantic: OnceLock::new(),
            cache_findings: OnceLock::new(),
            fixed: [OnceLock::new(), OnceLock::new()],
        }
    }

    /// The document with every fix of at least `required` applicability applied (what
    /// fix-all offers), computed once per version: a client asks for code actions at every
    /// move of the cursor. `None` when fixing panicked.
    pub fn fixed(&self, required: Applicability) -> Option<&FixOutcome> {
        let slot = &self.fixed[usize::from(required == Applicability::Safe)];
        slot.get_or_init(|| {
            guard(|| {
                fix_file(
                    self.source(),
                    &self.env.target(),
                    &self.env.settings,
                    required,
                )
            })
        })
        .as_ref()
    }

    pub fn source(&self) -> &str {
        self.result.parse.file.source()
    }

    pub fn file(&self) -> &layerlint_syntax::Dockerfile {
        &self.result.parse.file
    }

    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.result.diagnostics
    }

    pub fn semantic(&self) -> &Semantic {
        self.semantic.get_or_init(|| Semantic::new(self.file()))
    }

    pub fn lines(&self, encoding: PositionEncoding) -> Lines<'_> {
        Lines {
            text: self.source(),
            index: &self.index,
            encoding,
        }
    }

    /// The findings as LSP diagnostics.
    pub fn lsp_diagnostics(&self, uri: &Uri, encoding: PositionEncoding) -> Vec<lsp::Diagnostic> {
        let lines = self.lines(encoding);
        self.diagnostics()
            .iter()
            .map(|d| convert::diagnostic(d, &lines, uri))
            .collect()
    }

    /// The findings of every layer-cache rule (`LL2xx`), enabled or not: what "Optimize
    /// layer caching" offers. Computed on first use.
    pub fn cache_findings(&self) -> &[Diagnostic] {
        self.cache_findings.get_or_init(|| {
            let cache_rules: Vec<_> = layerlint_linter::Rule::ALL
                .iter()
                .copied()
                .filter(|r| r.meta().category == Category::Cache)
                .collect();
            if cache_rules.is_empty() {
                return Vec::new();
            }
            let all_enabled = cache_rules.iter().all(|r| self.env.settings.is_enabled(*r));
            let diagnostics = if all_enabled {
                self.result.diagnostics.clone()
            } else {
                let mut settings = (*self.env.settings).clone();
                for rule in &cache_rules {
                    settings.set_enabled(*rule, true);
                }
                // Without ShellCheck: none of its findings is a cache finding, and it is a
                // process (tens of milliseconds at every code-action request after an edit).
                guard(|| {
                    layerlint_linter::check_without_shellcheck(
                        &self.result.parse,
                        &self.env.target(),
                        &settings,
                    )
                })
                .unwrap_or_default()
            };
            diagnostics
                .into_iter()
                .filter(|d| d.rule.category == Category::Cache)
                .collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fix-all is computed once per version and applicability, not at every request.
    #[test]
    fn fixes_are_computed_once_per_version() {
        let snapshot = Snapshot::new("FROM debian:12\nMAINTAINER a@b.c\n", 1, LintEnv::default());
        let safe = snapshot.fixed(Applicability::Safe).expect("fixed");
        assert!(
            safe.source
                .contains("LABEL org.opencontainers.image.authors")
        );
        assert!(std::ptr::eq(
            safe,
            snapshot.fixed(Applicability::Safe).unwrap()
        ));
        let unsafe_too = snapshot.fixed(Applicability::Unsafe).unwrap();
        assert!(!std::ptr::eq(safe, unsafe_too));
        assert!(std::ptr::eq(
            unsafe_too,
            snapshot.fixed(Applicability::Unsafe).unwrap()
        ));
    }
}
