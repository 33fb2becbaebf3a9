//! Where rows go and in what format, the same for every subcommand that writes rows:
//! `--format`, `-o FILE` and the table's row cap.

use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use sumoql::{Format, RowWriter, TableOptions, TableWriter};

use crate::{usage_error, Exit};

/// How many rows a table shows unless `--max-rows` says otherwise.
pub(crate) const DEFAULT_TABLE_ROWS: usize = 1000;

/// An output format, as `--format` names it.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum FormatArg {
    /// An aligned table for people.
    Table,
    /// One JSON object per line.
    Ndjson,
    /// One JSON array.
    Json,
    /// Comma-separated values with a header line.
    Csv,
}

/// The options that say where rows go.
#[derive(Args, Clone, Debug, Default)]
pub(crate) struct OutputArgs {
    /// Output format [default: table on a terminal; with -o, by the file's extension (.csv,
    /// .json, .ndjson), else ndjson].
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// Write the rows to FILE instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// Show at most N rows in a table, and a count of the rest [default: 1000; 0: every row].
    #[arg(long, value_name = "N")]
    max_rows: Option<usize>,
}

impl OutputArgs {
    /// The format of the output.
    pub(crate) fn format(&self) -> Format {
        match (self.format, &self.output) {
            (Some(FormatArg::Table), _) => Format::Table,
            (Some(FormatArg::Ndjson), _) => Format::Ndjson,
            (Some(FormatArg::Json), _) => Format::Json,
            (Some(FormatArg::Csv), _) => Format::Csv,
            (None, Some(path)) => format_of_file(path),
            (None, None) if std::io::stdout().is_terminal() => Format::Table,
            (None, None) => Format::Ndjson,
        }
    }

    /// Opens the destination: the `-o` file (created, or emptied) or stdout.
    pub(crate) fn open(&self) -> Result<Box<dyn Write + Send>, Exit> {
        match &self.output {
            Some(path) => File::create(path)
                .map(|file| Box::new(BufWriter::new(file)) as Box<dyn Write + Send>)
                .map_err(|e| usage_error(format!("cannot create {}: {e}", path.display()))),
            None => Ok(Box::new(std::io::stdout())),
        }
    }

    /// A writer of rows in the output's format onto its destination. A table shows at most
    /// `--max-rows` rows and, on a terminal, fits its width.
    pub(crate) fn writer(&self) -> Result<Box<dyn RowWriter + Send>, Exit> {
        let out = self.open()?;
        let format = self.format();
        if format != Format::Table {
            return Ok(sumoql::writer(format, out));
        }
        let max_rows = match self.max_rows {
            Some(0) => None,
            Some(rows) => Some(rows),
            None => Some(DEFAULT_TABLE_ROWS),
        };
        let on_terminal = self.output.is_none() && std::io::stdout().is_terminal();
        let width = on_terminal
            .then(terminal_size::terminal_size)
            .flatten()
            .map(|(width, _)| usize::from(width.0));
        let options = TableOptions::default().max_rows(max_rows).max_width(width);
        Ok(Box::new(TableWriter::new(out, options)))
    }
}

/// The format a file's extension names (`.csv`, `.json`, `.ndjson`/`.jsonl`, `.txt` for a
/// table), else NDJSON.
fn format_of_file(path: &Path) -> Format {
    let extension = path
        .extension()
        .map(|ext| ext.to_string_lossy().to_ascii_lowercase());
    match extension.as_deref() {
        Some("csv") => Format::Csv,
        Some("json") => Format::Json,
        Some("txt") => Format::Table,
        _ => Format::Ndjson,
    }
}
