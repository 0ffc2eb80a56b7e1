//! The variables every RUN of a walk sees, kept once: a log of the variables set (by `ARG`
//! and `ENV`), in order, and for each RUN only how far into the log it sees.
//!
//! A copy of the whole scope for each RUN after a new `ARG` or `ENV` made a file of `n`
//! ARG/RUN pairs hold `n` scopes of up to `n` variables. Here a stage's variables are a
//! branch of the log: the variables set in it, after those of the branch and version it
//! starts from (a stage built on another starts where that stage ended). A stage built on
//! the stage whose branch ends where it started continues that branch: a chain of stages
//! each built on the one before is one branch.

use std::rc::Rc;
use std::sync::Arc;

use foldhash::{HashMap, HashMapExt};
use layerlint_syntax::expand::{Env, ExpandError, Expansion, Lex};
use layerlint_syntax::semantic::Var;

/// A point of the log: the variables set in `branch` before `version` (and those its
/// branch starts with).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Point {
    branch: u32,
    version: u32,
}

#[derive(Clone, Debug, Default)]
struct Branch {
    /// Where the branch starts (`None`: with no variable).
    parent: Option<Point>,
    /// The variables set, in order (a name set again is in it again).
    log: Vec<(Arc<str>, Var)>,
    /// Each name's positions in `log`, in order, once it holds more than
    /// [`Branch::INDEXED_FROM`] entries (a few, in most files: a search of the log for a
    /// name costs less than the map).
    positions: Option<Box<HashMap<Arc<str>, Vec<u32>>>>,
}

impl Branch {
    const INDEXED_FROM: usize = 32;

    /// The last variable called `name` set before `version`.
    fn get(&self, name: &str, version: u32) -> Option<&Var> {
        match &self.positions {
            Some(positions) => {
                let at = positions.get(name)?;
                let before = at.partition_point(|&p| p < version);
                let position = *at.get(before.checked_sub(1)?)?;
                Some(&self.log[position as usize].1)
            }
            None => self.log[..version as usize]
                .iter()
                .rev()
                .find(|(own, _)| **own == *name)
                .map(|(_, var)| var),
        }
    }

    fn push(&mut self, name: Arc<str>, var: Var) {
        let position = u32::try_from(self.log.len()).unwrap_or(u32::MAX);
        if let Some(positions) = &mut self.positions {
            positions
                .entry(Arc::clone(&name))
                .or_default()
                .push(position);
        }
        self.log.push((name, var));
        if self.positions.is_none() && self.log.len() > Self::INDEXED_FROM {
            let mut positions: HashMap<Arc<str>, Vec<u32>> = HashMap::new();
            for (at, (name, _)) in self.log.iter().enumerate() {
                let at = u32::try_from(at).unwrap_or(u32::MAX);
                positions.entry(Arc::clone(name)).or_default().push(at);
            }
            self.positions = Some(Box::new(positions));
        }
    }
}

/// Every branch of a file's variables.
#[derive(Clone, Debug, Default)]
pub struct ScopeLog {
    branches: Vec<Branch>,
}

impl ScopeLog {
    /// Where a stage starts: after `from` (the point its parent stage ended at), or with
    /// no variable. It continues `from`'s branch when nothing was set in it after `from`.
    pub fn start(&mut self, from: Option<Point>) -> Point {
        if let Some(from) = from
            && self.end(from.branch) == from.version
        {
            return from;
        }
        let branch = u32::try_from(self.branches.len()).unwrap_or(u32::MAX);
        self.branches.push(Branch {
            parent: from,
            ..Branch::default()
        });
        Point { branch, version: 0 }
    }

    fn end(&self, branch: u32) -> u32 {
        u32::try_from(self.branches[branch as usize].log.len()).unwrap_or(u32::MAX)
    }

    /// Sets `name` after `at` (the end of its branch, as [`ScopeLog::start`] and this gave
    /// it), giving the point after.
    pub fn set(&mut self, at: Point, name: Arc<str>, var: Var) -> Point {
        debug_assert_eq!(
            self.end(at.branch),
            at.version,
            "set at the end of a branch"
        );
        self.branches[at.branch as usize].push(name, var);
        Point {
            branch: at.branch,
            version: at.version + 1,
        }
    }

    /// The variables at `at`.
    pub fn at(&self, at: Point) -> ScopeView<'_> {
        ScopeView { log: self, at }
    }

    /// How many variables all branches hold (each setting counted once).
    pub fn entries(&self) -> usize {
        self.branches.iter().map(|b| b.log.len()).sum()
    }

    /// How many branches there are.
    pub fn branches(&self) -> usize {
        self.branches.len()
    }
}

/// The variables visible at a point of a [`ScopeLog`], read as a
/// [`Scope`](layerlint_syntax::semantic::Scope) is.
#[derive(Clone, Copy, Debug)]
pub struct ScopeView<'a> {
    log: &'a ScopeLog,
    at: Point,
}

impl<'a> ScopeView<'a> {
    pub fn get_var(&self, name: &str) -> Option<&'a Var> {
        let mut at = self.at;
        loop {
            let branch = &self.log.branches[at.branch as usize];
            if let Some(var) = branch.get(name, at.version) {
                return Some(var);
            }
            at = branch.parent?;
        }
    }

    /// Whether `name` is declared (even an ARG without a value).
    pub fn is_declared(&self, name: &str) -> bool {
        self.get_var(name).is_some()
    }

    /// Every visible variable, by name.
    pub fn vars(&self) -> Vec<(&'a str, &'a Var)> {
        let mut seen: HashMap<&str, &Var> = HashMap::new();
        let mut at = Some(self.at);
        while let Some(point) = at {
            let branch = &self.log.branches[point.branch as usize];
            for (name, var) in branch.log[..point.version as usize].iter().rev() {
                seen.entry(&**name).or_insert(var);
            }
            at = branch.parent;
        }
        let mut vars: Vec<(&str, &Var)> = seen.into_iter().collect();
        vars.sort_unstable_by_key(|&(name, _)| name);
        vars
    }

    /// All declared names, by name.
    pub fn names(&self) -> impl Iterator<Item = &'a str> {
        self.vars().into_iter().map(|(name, _)| name)
    }

    /// Expands `word` with these variables (BuildKit's `ProcessWordWithMatches`).
    pub fn expand(&self, word: &str, escape: char) -> Result<Expansion, ExpandError> {
        Lex::new(escape).process_word(word, self)
    }
}

impl Env for ScopeView<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        self.get_var(name).and_then(|v| v.value.as_deref())
    }
}

/// A RUN's variables: a point of its file's shared log.
#[derive(Clone, Debug)]
pub struct ScopeAt {
    log: Rc<ScopeLog>,
    at: Point,
}

impl ScopeAt {
    pub fn new(log: Rc<ScopeLog>, at: Point) -> ScopeAt {
        ScopeAt { log, at }
    }

    pub fn view(&self) -> ScopeView<'_> {
        self.log.at(self.at)
    }

    /// Whether both read the same variables at the same point.
    pub fn same(&self, other: &ScopeAt) -> bool {
        Rc::ptr_eq(&self.log, &other.log) && self.at == other.at
    }
}
