//! The line editor's helper: what it completes from, hints from history, and when a query
//! goes on over more lines.

use std::collections::HashSet;

use rustyline::completion::FilenameCompleter;
use rustyline::hint::{Hinter, HistoryHinter};
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Context, Helper};

use super::lexer::needs_more;

/// Words that are not operators or functions but still keywords of the dialect.
const KEYWORDS: &[&str] = &[
    "and",
    "or",
    "not",
    "by",
    "as",
    "in",
    "nodrop",
    "from",
    "on",
    "asc",
    "desc",
    "matches",
    "field",
    "multi",
    "auto",
    "extract",
    "delim",
    "regex",
    "consecutive",
    "values",
    "row",
    "column",
    "limit",
];

/// Completion, hints, highlighting and validation for the REPL's line editor.
pub(crate) struct ReplHelper {
    /// Field names seen in the loaded logs.
    pub(super) fields: Vec<String>,
    /// `_sourceCategory` values seen in the loaded logs.
    pub(super) categories: Vec<String>,
    /// Function names from the engine's registry.
    pub(super) functions: Vec<&'static str>,
    /// Operator names and keywords, lower case, for highlighting.
    pub(super) keywords: HashSet<String>,
    /// Function names, lower case, for highlighting.
    pub(super) function_words: HashSet<String>,
    /// Completes paths after `:load` and `:save`.
    pub(super) paths: FilenameCompleter,
    /// Compiles what is typed, to underline an error in it.
    pub(super) engine: sumoql::Engine,
    /// Whether what is typed is coloured (`--color`, `NO_COLOR`).
    pub(super) colored: bool,
    hinter: HistoryHinter,
}

impl ReplHelper {
    /// A helper knowing `engine`'s functions and the dialect's operators; no fields yet.
    pub(crate) fn new(engine: &sumoql::Engine) -> ReplHelper {
        let functions: Vec<&'static str> = engine.registry().names().collect();
        let keywords = sumoql::OPERATOR_DOCS
            .iter()
            .flat_map(|doc| std::iter::once(doc.name).chain(doc.aliases.iter().copied()))
            .chain(KEYWORDS.iter().copied())
            .map(str::to_lowercase)
            .collect();
        ReplHelper {
            fields: Vec::new(),
            categories: Vec::new(),
            function_words: functions.iter().map(|name| name.to_lowercase()).collect(),
            functions,
            keywords,
            paths: FilenameCompleter::new(),
            engine: engine.clone(),
            colored: crate::terminal::stdout_colored(),
            hinter: HistoryHinter::new(),
        }
    }

    /// Completes from these field names and `_sourceCategory` values from now on.
    pub(crate) fn set_catalog(&mut self, fields: Vec<String>, categories: Vec<String>) {
        self.fields = fields;
        self.categories = categories;
    }
}

impl Hinter for ReplHelper {
    type Hint = String;

    fn hint(&self, line: &str, pos: usize, context: &Context<'_>) -> Option<String> {
        self.hinter.hint(line, pos, context)
    }
}

impl Validator for ReplHelper {
    fn validate(&self, context: &mut ValidationContext) -> rustyline::Result<ValidationResult> {
        let input = context.input();
        if !input.starts_with(':') && needs_more(input) {
            Ok(ValidationResult::Incomplete)
        } else {
            Ok(ValidationResult::Valid(None))
        }
    }
}

impl Helper for ReplHelper {}
