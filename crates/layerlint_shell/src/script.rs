//! The parsed script and its command view.

use std::fmt;

use layerlint_text::{MappedText, TextRange};

use crate::data::{
    CommandData, CommandId, Context, ElementData, ElementKind, NONE, PipelineData, PipelineId,
    Separator, Span, TextId, WordData,
};
use crate::error::SyntaxError;
use crate::options::{Args, OptValue, OptionSpec, OptionWord};
use crate::parser::{Tables, word_value};
use crate::shell_string::basename;
use crate::shell_string::find_script_word;
use crate::word::{Assignment, Redirect, Word};
use crate::wrappers::{is_wrapper, wrapped_index};

/// A parsed script: every simple command in order of appearance, the pipelines they form,
/// and the syntax errors met on the way. See the [crate docs](crate) for the model.
#[derive(Clone)]
pub struct Script {
    pub(crate) tables: Tables,
    /// Each command seen through its wrappers ([`Command::unwrapped`]): computed once, on
    /// first use, for the many rules that look through wrappers.
    unwrapped: std::sync::OnceLock<Vec<Unwrapped>>,
}

/// A command seen through its wrappers.
#[derive(Clone)]
struct Unwrapped {
    /// The wrapper words skipped.
    skip: u32,
    /// Its name (the basename of the first word left), copied: rules ask for names of
    /// every command many times over, and a copy reads faster than a slice of the script
    /// whose bounds are checked on each read.
    name: Option<Box<str>>,
}

impl Script {
    pub(crate) fn new(tables: Tables) -> Self {
        Script {
            tables,
            unwrapped: std::sync::OnceLock::new(),
        }
    }

    /// Every command seen through its wrappers, by command id, computed on first use.
    fn unwrapped(&self) -> &[Unwrapped] {
        self.unwrapped.get_or_init(|| {
            self.commands()
                .map(|command| {
                    // Most commands wrap nothing: their name is read once, and the
                    // wrappers are looked through only when it names one.
                    let name = command.name_path().map(basename);
                    if !name.is_some_and(is_wrapper) {
                        return Unwrapped {
                            skip: 0,
                            name: name.map(Into::into),
                        };
                    }
                    let inner = command.unwrapped_uncached();
                    Unwrapped {
                        skip: inner.skip,
                        name: inner.name_path().map(|path| basename(path).into()),
                    }
                })
                .collect()
        })
    }

    /// The name of command `id` seen through its wrappers — what
    /// `command.unwrapped().name()` gives — computed once for the script: for the many
    /// rules that each look for their program among every command.
    pub fn unwrapped_name(&self, id: CommandId) -> Option<&str> {
        self.unwrapped().get(id.index())?.name.as_deref()
    }

    /// Whether the value of some word may contain `needle`: when `false`, none does (a
    /// word's value is a slice of one of the script's texts, or of the values it unquoted,
    /// and both are searched at once rather than word by word). For rules that look for
    /// one program among every command.
    pub fn may_mention(&self, needle: &str) -> bool {
        let finder = memchr::memmem::Finder::new(needle);
        let t = &self.tables;
        finder.find(t.strings.as_bytes()).is_some()
            || std::iter::once(&t.root)
                .chain(&t.texts)
                .any(|t| finder.find(t.as_str().as_bytes()).is_some())
    }

    /// The script's text (line continuations already removed by the Dockerfile parser).
    pub fn text(&self) -> &str {
        self.mapped().as_str()
    }

    /// The script's text with its map to the Dockerfile.
    pub fn mapped(&self) -> &MappedText {
        self.mapped_text(TextId::ROOT)
    }

    /// A text by id: the script's own, or the value of an `sh -c` string (see
    /// [`Command::shell_string_text`]).
    pub fn mapped_text(&self, id: TextId) -> &MappedText {
        self.tables.text(id)
    }

    /// Maps a range of text `id` to the Dockerfile.
    pub fn to_source(&self, id: TextId, range: TextRange) -> TextRange {
        self.tables.text(id).range_to_source(range)
    }

    /// Every simple command, in order of appearance: a command comes before the commands
    /// nested in its words (`$(...)`) and in its `sh -c` string.
    pub fn commands(
        &self,
    ) -> impl DoubleEndedIterator<Item = Command<'_>> + ExactSizeIterator + Clone + '_ {
        self.tables
            .commands
            .iter()
            .enumerate()
            .map(move |(i, data)| Command {
                script: self,
                id: i as u32,
                data,
                skip: 0,
            })
    }

    /// The commands whose name (basename of the first word) is `name`.
    pub fn find<'a>(&'a self, name: &'a str) -> impl Iterator<Item = Command<'a>> + 'a {
        self.commands().filter(move |c| c.is(name))
    }

    /// The commands whose name is one of `names`.
    pub fn find_any<'a>(&'a self, names: &'a [&'a str]) -> impl Iterator<Item = Command<'a>> + 'a {
        self.commands().filter(move |c| c.is_any(names))
    }

    /// The number of simple commands.
    pub fn command_count(&self) -> usize {
        self.tables.commands.len()
    }

    /// The command with id `id`.
    ///
    /// # Panics
    /// When `id` is not from this script.
    pub fn command(&self, id: CommandId) -> Command<'_> {
        Command {
            script: self,
            id: id.0,
            data: &self.tables.commands[id.index()],
            skip: 0,
        }
    }

    /// Every pipeline, one-command pipelines included, in order of appearance.
    pub fn pipelines(
        &self,
    ) -> impl DoubleEndedIterator<Item = Pipeline<'_>> + ExactSizeIterator + Clone + '_ {
        self.tables
            .pipelines
            .iter()
            .enumerate()
            .map(move |(i, data)| Pipeline {
                script: self,
                id: i as u32,
                data,
            })
    }

    /// The pipeline with id `id`.
    ///
    /// # Panics
    /// When `id` is not from this script.
    pub fn pipeline(&self, id: PipelineId) -> Pipeline<'_> {
        Pipeline {
            script: self,
            id: id.0,
            data: &self.tables.pipelines[id.index()],
        }
    }

    /// The syntax errors, in the order they were found.
    pub fn errors(&self) -> impl ExactSizeIterator<Item = SyntaxError> + '_ {
        self.tables.errors.iter().map(|e| SyntaxError {
            range: self.to_source(e.text, e.range),
            text_range: e.range,
            text: e.text,
            kind: e.kind,
        })
    }

    /// Whether any syntax error was found.
    pub fn has_errors(&self) -> bool {
        !self.tables.errors.is_empty()
    }

    pub(crate) fn slice(&self, text: TextId, range: TextRange) -> &str {
        self.tables
            .text(text)
            .as_str()
            .get(range.to_std())
            .unwrap_or_default()
    }

    #[inline]
    pub(crate) fn word_value(&self, word: &WordData, lossy: bool) -> Option<&str> {
        let text = self.tables.text(word.text).as_str();
        word_value(text, &self.tables.strings, word, lossy)
    }

    pub(crate) fn spans(&self, word: &WordData) -> &[Span] {
        &self.tables.spans[word.spans.0 as usize..word.spans.1 as usize]
    }
}

impl fmt::Debug for Script {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Script")
            .field("commands", &self.commands().collect::<Vec<_>>())
            .field("errors", &self.errors().collect::<Vec<_>>())
            .finish()
    }
}

/// A simple command: assignments, a name, arguments, redirections.
///
/// A command may have no name (`FOO=bar` alone, `> file` alone).
#[derive(Clone, Copy)]
pub struct Command<'s> {
    script: &'s Script,
    id: u32,
    data: &'s CommandData,
    /// Words skipped as wrappers (see [`Command::unwrapped`]).
    skip: u32,
}

impl<'s> Command<'s> {
    /// Its position in [`Script::commands`].
    pub fn id(self) -> CommandId {
        CommandId(self.id)
    }

    /// The script it belongs to.
    pub fn script(self) -> &'s Script {
        self.script
    }

    /// The range in the Dockerfile, from the first assignment, word or redirection to the
    /// end of the last.
    pub fn range(self) -> TextRange {
        self.script.to_source(self.data.text, self.data.range)
    }

    /// The range in its text (see [`Command::text_id`]).
    pub fn text_range(self) -> TextRange {
        self.data.range
    }

    /// The text the command was read from: [`TextId::ROOT`] unless in an `sh -c` string.
    pub fn text_id(self) -> TextId {
        self.data.text
    }

    /// The command as written.
    pub fn text(self) -> &'s str {
        self.script.slice(self.data.text, self.data.range)
    }

    fn word_data(self) -> &'s [WordData] {
        let (start, end) = self.data.words;
        let start = (start + self.skip).min(end);
        &self.script.tables.words[start as usize..end as usize]
    }

    /// The command run through wrappers, viewed as a command of its own: for
    /// `sudo -u app apt-get install x`, `env A=1 make`, `xargs -n1 rm`, `gosu app ./run`,
    /// `timeout 10 curl u`, `nice -n 5 make`, it is `apt-get ...`, `make`, `rm`, `./run`,
    /// `curl u`, `make`: its words start at the wrapped name, so [`Command::name`],
    /// [`Command::args`], [`Command::has_flag`], [`Command::positionals`] and the rest
    /// read the wrapped command. Id, range, context, redirections and assignments stay
    /// the wrapper's. Itself when it wraps nothing (also `command -v x`, `sudo -i`).
    ///
    /// To find wrapped commands too: `script.commands().map(Command::unwrapped)`.
    pub fn unwrapped(self) -> Command<'s> {
        if self.skip == 0
            && let Some(unwrapped) = self.script.unwrapped().get(self.id as usize)
        {
            return Command {
                skip: unwrapped.skip,
                ..self
            };
        }
        self.unwrapped_uncached()
    }

    fn unwrapped_uncached(self) -> Command<'s> {
        let script = self.script;
        let words = self.word_data();
        let index = wrapped_index(
            words,
            |w| script.word_value(w, false).map(basename),
            |w| script.word_value(w, true).unwrap_or_default(),
        );
        match index {
            Some(index) => Command {
                skip: self.skip + index as u32,
                ..self
            },
            None => self,
        }
    }

    /// The command viewed from its word `n` on, the way [`Command::unwrapped`] views a
    /// wrapped command: `python3 -m pip install x` shifted by 2 reads as `pip install x`.
    /// Shifting past the last word leaves no words.
    pub fn shifted(self, n: usize) -> Command<'s> {
        let (start, end) = self.data.words;
        let left = end.saturating_sub(start + self.skip);
        Command {
            skip: self.skip + u32::try_from(n).unwrap_or(u32::MAX).min(left),
            ..self
        }
    }

    /// Whether this command runs another one given in its arguments (see
    /// [`Command::unwrapped`]).
    pub fn is_wrapper(self) -> bool {
        self.unwrapped().skip != self.skip
    }

    /// The name and the arguments.
    pub fn words(self) -> impl DoubleEndedIterator<Item = Word<'s>> + ExactSizeIterator + Clone {
        let script = self.script;
        self.word_data().iter().map(move |w| Word::new(script, w))
    }

    /// The first word.
    pub fn name_word(self) -> Option<Word<'s>> {
        self.word_data().first().map(|w| Word::new(self.script, w))
    }

    /// The name by its basename: `apt-get` for `/usr/bin/apt-get` and for `"apt-get"`.
    /// `None` when there is no name, or it has an expansion (`$PM install`).
    // Rules ask for the name of every command, many times over: the name the script has
    // for a command seen through its wrappers is read inline, any other found in a call.
    #[inline]
    pub fn name(self) -> Option<&'s str> {
        if let Some(unwrapped) = self.script.unwrapped.get()
            && let Some(unwrapped) = unwrapped.get(self.id as usize)
            && unwrapped.skip == self.skip
        {
            return unwrapped.name.as_deref();
        }
        self.name_uncached()
    }

    #[inline(never)]
    fn name_uncached(self) -> Option<&'s str> {
        self.name_path().map(basename)
    }

    /// The name as given (quotes removed): `/usr/bin/apt-get`.
    pub fn name_path(self) -> Option<&'s str> {
        self.name_word()?.value()
    }

    /// Whether the command's name is `name` (by basename).
    pub fn is(self, name: &str) -> bool {
        self.name() == Some(name)
    }

    /// Whether the command's name is one of `names`.
    pub fn is_any(self, names: &[&str]) -> bool {
        self.name().is_some_and(|n| names.contains(&n))
    }

    /// The arguments: the words after the name.
    pub fn args(self) -> impl DoubleEndedIterator<Item = Word<'s>> + ExactSizeIterator + Clone {
        self.words().skip(1)
    }

    /// Argument `index` (0 is the first after the name).
    pub fn arg(self, index: usize) -> Option<Word<'s>> {
        self.word_data()
            .get(index + 1)
            .map(|w| Word::new(self.script, w))
    }

    /// Whether some argument's value is `value`.
    pub fn has_arg(self, value: &str) -> bool {
        self.args().any(|w| w.is(value))
    }

    /// The assignments before the name: `DEBIAN_FRONTEND=noninteractive apt-get ...`.
    pub fn assignments(
        self,
    ) -> impl DoubleEndedIterator<Item = Assignment<'s>> + ExactSizeIterator + Clone {
        let (start, end) = self.data.assignments;
        let script = self.script;
        script.tables.assignments[start as usize..end as usize]
            .iter()
            .map(move |data| Assignment { script, data })
    }

    /// The prefix assignment of variable `name`, if any.
    pub fn assignment(self, name: &str) -> Option<Assignment<'s>> {
        self.assignments().find(|a| a.name() == name)
    }

    /// The redirections, wherever they stand among the words.
    pub fn redirects(
        self,
    ) -> impl DoubleEndedIterator<Item = Redirect<'s>> + ExactSizeIterator + Clone {
        let (start, end) = self.data.redirects;
        let script = self.script;
        script.tables.redirects[start as usize..end as usize]
            .iter()
            .map(move |data| Redirect { script, data })
    }

    /// What joins this command to the next: `|` inside a pipeline, else what follows its
    /// pipeline (`&&`, `||`, `;`, newline, `&`), [`Separator::End`] at the end of a list.
    pub fn separator(self) -> Separator {
        self.data.separator
    }

    /// Where the command sits: subshell, substitution, `sh -c` string, condition, loop...
    pub fn context(self) -> Context {
        self.data.context
    }

    /// The pipeline this command is an element of (the innermost one).
    pub fn pipeline(self) -> Option<Pipeline<'s>> {
        let data = self
            .script
            .tables
            .pipelines
            .get(self.data.pipeline as usize)?;
        Some(Pipeline {
            script: self.script,
            id: self.data.pipeline,
            data,
        })
    }

    /// The command's position in [`Command::pipeline`] (0 for the first).
    pub fn pipe_index(self) -> Option<usize> {
        (self.data.pipeline != NONE).then_some(self.data.pipe_index as usize)
    }

    /// Whether its pipeline has two or more elements.
    pub fn is_piped(self) -> bool {
        self.pipeline().is_some_and(|p| p.len() >= 2)
    }

    /// The pipeline element after this command (what its output is piped into).
    pub fn piped_into(self) -> Option<Element<'s>> {
        self.pipeline()?.element(self.pipe_index()? + 1)
    }

    /// The pipeline element before this command (what its input is piped from).
    pub fn piped_from(self) -> Option<Element<'s>> {
        self.pipeline()?.element(self.pipe_index()?.checked_sub(1)?)
    }

    /// The command whose word holds this one (`$(...)`, backquotes, `<(...)`) or whose
    /// `sh -c` string does.
    pub fn parent(self) -> Option<Command<'s>> {
        (self.data.parent != NONE).then(|| self.script.command(CommandId(self.data.parent)))
    }

    /// The commands nested in this one's words and `sh -c` string, at any depth.
    pub fn nested(
        self,
    ) -> impl DoubleEndedIterator<Item = Command<'s>> + ExactSizeIterator + Clone {
        let script = self.script;
        (self.id + 1..self.data.end).map(move |i| script.command(CommandId(i)))
    }

    /// For `sh -c '...'` (and `bash -c`, `su -c`, `sudo sh -c`, ...): the argument holding
    /// the script.
    pub fn shell_string(self) -> Option<Word<'s>> {
        self.shell_string_text()?;
        let words = self.word_data();
        let index = find_script_word(words, |w| self.script.word_value(w, true))?;
        Some(Word::new(self.script, &words[index]))
    }

    /// The text parsed from this command's `sh -c` string.
    pub fn shell_string_text(self) -> Option<TextId> {
        (self.data.shell_text != NONE).then_some(TextId(self.data.shell_text))
    }

    /// The commands of this command's `sh -c` string, at any depth.
    pub fn shell_string_commands(self) -> impl Iterator<Item = Command<'s>> + Clone {
        // The string is parsed after the command's words, so its commands come last.
        let text = self.data.shell_text;
        let nested = self.nested();
        let skip = if text == NONE {
            nested.len()
        } else {
            nested.clone().take_while(|c| c.data.text.0 != text).count()
        };
        nested.skip(skip)
    }

    /// The arguments read as options and operands, with the options in `spec` taking a
    /// value. See [`Args`].
    pub fn options<'a>(self, spec: OptionSpec<'a>) -> Args<'s, 'a> {
        Args::new(
            self.word_data().get(1..).unwrap_or_default(),
            self.script,
            spec,
        )
    }

    /// Whether the option `flag` is given: `"-y"` also matches inside `-qy`; `"--yes"`
    /// also matches `--yes=...`. Options after `--` do not count.
    ///
    /// No option is taken to have a value here, so the value of `-t x` counts as an
    /// operand and `-tfoo` as `-t`, `-f`, `-o`, `-o`; use [`Command::options`] with a spec
    /// to be exact. (A cluster with a non-alphanumeric character, as in
    /// `-oDpkg::Options::=x`, is read as one option with an attached value.)
    pub fn has_flag(self, flag: &str) -> bool {
        self.has_any_flag(&[flag])
    }

    /// Whether any of `flags` is given (see [`Command::has_flag`]).
    ///
    /// What `self.options(OptionSpec::NONE).any(|arg| flags.iter().any(|f| arg.is_flag(f)))`
    /// answers (a test compares them), read straight from the words: each option word,
    /// read as [`Args`] reads it ([`OptionWord`]), is compared with the flags once, where
    /// [`Args`] made an [`Arg`](crate::Arg) of each letter of a cluster (`-fsSL`) for each
    /// flag to be compared with.
    pub fn has_any_flag(self, flags: &[&str]) -> bool {
        let script = self.script;
        for data in self.word_data().get(1..).unwrap_or_default() {
            // An operand, told without reading its value (see `Args::next`).
            if !data.dash {
                continue;
            }
            let value = Word::new(script, data).value_lossy();
            // A lone `-` is an operand.
            let Some(rest) = value.strip_prefix('-').filter(|rest| !rest.is_empty()) else {
                continue;
            };
            let found = match OptionWord::of(rest) {
                // The rest are operands.
                OptionWord::End => return false,
                OptionWord::Long(name, _) => {
                    flags.iter().any(|f| f.strip_prefix("--") == Some(name))
                }
                // Each letter is an option.
                OptionWord::Cluster(letters) => flags.iter().any(|f| match *f.as_bytes() {
                    [b'-', letter] => letters.as_bytes().contains(&letter),
                    _ => false,
                }),
                OptionWord::Short(name, _) => flags
                    .iter()
                    .any(|f| !f.starts_with("--") && f.strip_prefix('-') == Some(name)),
            };
            if found {
                return true;
            }
        }
        false
    }

    /// The values of every use of an option that takes a value, under any of its
    /// `aliases` (`&["-t", "--target-release"]`): `-t x`, `-tx`, `--target-release=x`,
    /// `--target-release x`.
    pub fn flag_values<'a>(self, aliases: &'a [&'a str]) -> impl Iterator<Item = OptValue<'s>> {
        self.options(OptionSpec::new(aliases))
            .filter(move |arg| aliases.iter().any(|f| arg.is_flag(f)))
            .filter_map(|arg| arg.value())
    }

    /// The operands: arguments that are neither options nor values of the options in
    /// `spec`. `apt-get install -y foo=1.2 bar` gives `install`, `foo=1.2`, `bar`.
    pub fn positionals<'a>(self, spec: OptionSpec<'a>) -> impl Iterator<Item = Word<'s>> {
        self.options(spec).filter_map(|arg| arg.positional())
    }

    /// The first operand, no option taking a value: `install` in `apt-get -y install x`,
    /// `ci` in `npm ci`. `None` when absent or not static. See [`Command::subcommand_with`].
    pub fn subcommand(self) -> Option<&'s str> {
        self.subcommand_with(OptionSpec::NONE)
    }

    /// The first operand, options in `spec` taking a value: `install` in
    /// `apt-get -o Dpkg::Options::=--force-confold install x` with `-o` in the spec.
    pub fn subcommand_with(self, spec: OptionSpec<'_>) -> Option<&'s str> {
        self.positionals(spec).next()?.value()
    }
}

impl fmt::Debug for Command<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Command")
            .field("id", &self.id)
            .field("text", &self.text())
            .field("separator", &self.separator())
            .field("context", &self.context())
            .finish()
    }
}

/// A pipeline: one or more elements joined by `|` or `|&`, perhaps negated with `!`.
#[derive(Clone, Copy)]
pub struct Pipeline<'s> {
    script: &'s Script,
    id: u32,
    data: &'s PipelineData,
}

impl<'s> Pipeline<'s> {
    /// Its position in [`Script::pipelines`].
    pub fn id(self) -> PipelineId {
        PipelineId(self.id)
    }

    /// The range in the Dockerfile, from the first element (or `!`) to the last.
    pub fn range(self) -> TextRange {
        self.script.to_source(self.data.text, self.data.range)
    }

    /// The range in its text (see [`Pipeline::text_id`]).
    pub fn text_range(self) -> TextRange {
        self.data.range
    }

    /// The text it was read from.
    pub fn text_id(self) -> TextId {
        self.data.text
    }

    /// The pipeline as written.
    pub fn text(self) -> &'s str {
        self.script.slice(self.data.text, self.data.range)
    }

    fn element_data(self) -> &'s [ElementData] {
        let (start, end) = self.data.elements;
        &self.script.tables.elements[start as usize..end as usize]
    }

    /// The number of elements.
    pub fn len(self) -> usize {
        self.element_data().len()
    }

    /// Always false: a pipeline has at least one element.
    pub fn is_empty(self) -> bool {
        self.element_data().is_empty()
    }

    /// Whether it has two or more elements.
    pub fn is_piped(self) -> bool {
        self.len() >= 2
    }

    /// The elements, in order.
    pub fn elements(
        self,
    ) -> impl DoubleEndedIterator<Item = Element<'s>> + ExactSizeIterator + Clone {
        let script = self.script;
        let pipeline = self.data;
        self.element_data()
            .iter()
            .enumerate()
            .map(move |(index, data)| Element {
                script,
                pipeline,
                index,
                data,
            })
    }

    /// Element `index` (0 is the first).
    pub fn element(self, index: usize) -> Option<Element<'s>> {
        let data = self.element_data().get(index)?;
        Some(Element {
            script: self.script,
            pipeline: self.data,
            index,
            data,
        })
    }

    /// The elements that are simple commands.
    pub fn commands(self) -> impl Iterator<Item = Command<'s>> + Clone {
        self.elements().filter_map(Element::command)
    }

    /// Whether it starts with `!`.
    pub fn is_negated(self) -> bool {
        self.data.negated
    }

    /// What follows it: `&&`, `||`, `;`, a newline, `&`, or [`Separator::End`].
    pub fn separator(self) -> Separator {
        self.data.separator
    }

    /// The context of the pipeline itself (the same as its commands' but
    /// [`Context::in_pipeline`]).
    pub fn context(self) -> Context {
        self.data.context
    }
}

impl fmt::Debug for Pipeline<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pipeline({:?})", self.text())
    }
}

/// One element of a pipeline: a simple command or a compound command.
#[derive(Clone, Copy)]
pub struct Element<'s> {
    script: &'s Script,
    pipeline: &'s PipelineData,
    index: usize,
    data: &'s ElementData,
}

impl<'s> Element<'s> {
    /// A simple command, a subshell, a group, a loop...
    pub fn kind(self) -> ElementKind {
        self.data.kind
    }

    /// Its position in the pipeline.
    pub fn index(self) -> usize {
        self.index
    }

    /// The range in the Dockerfile (with a compound command's trailing redirections).
    pub fn range(self) -> TextRange {
        self.script.to_source(self.pipeline.text, self.data.range)
    }

    /// The range in the pipeline's text.
    pub fn text_range(self) -> TextRange {
        self.data.range
    }

    /// The simple command, for [`ElementKind::Command`].
    pub fn command(self) -> Option<Command<'s>> {
        (self.data.command != NONE).then(|| self.script.command(CommandId(self.data.command)))
    }

    /// Every command inside (for a simple command: itself and those nested in it).
    pub fn commands(
        self,
    ) -> impl DoubleEndedIterator<Item = Command<'s>> + ExactSizeIterator + Clone {
        let script = self.script;
        let (start, end) = self.data.commands;
        (start..end).map(move |i| script.command(CommandId(i)))
    }

    /// The commands that run directly in this element: not those inside a substitution
    /// or `sh -c` string of their own.
    pub fn direct_commands(self) -> impl Iterator<Item = Command<'s>> + Clone {
        let p = self.pipeline;
        let scope = p.context.0 & SCOPE;
        self.commands().filter(move |c| {
            c.data.parent == p.parent && c.data.text == p.text && c.context().0 & SCOPE == scope
        })
    }
}

const SCOPE: u16 = Context::SUBSTITUTION | Context::SHELL_STRING;

impl fmt::Debug for Element<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}@{:?}", self.data.kind, self.data.range)
    }
}
