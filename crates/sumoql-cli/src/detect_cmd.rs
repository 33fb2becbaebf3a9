//! `sumoql detect`: every selected rule over the logs in one pass, alerts as NDJSON.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;

use sumoql::{
    alert_json, detect, load_rules, Format, Query, RowWriter, Rule, RuleSeverity, RunError, Value,
};

use crate::input::InputArgs;
use crate::output::OutputArgs;
use crate::terminal::{is_closed_pipe, ProgressLine};
use crate::{now_ms, print_diagnostics, report_warnings, sumoql_sources, Exit};

/// Which rules run.
pub struct Selection {
    /// Only rules at least this severe.
    pub min_severity: Option<RuleSeverity>,
    /// Only these ids (all when empty).
    pub ids: Vec<String>,
    /// Only rules with one of these tags (all when empty).
    pub tags: Vec<String>,
}

impl Selection {
    fn admits(&self, rule: &Rule) -> bool {
        let metadata = &rule.metadata;
        self.min_severity
            .is_none_or(|minimum| metadata.severity >= minimum)
            && (self.ids.is_empty() || self.ids.contains(&metadata.id))
            && (self.tags.is_empty() || metadata.tags.iter().any(|tag| self.tags.contains(tag)))
    }
}

/// How a detection run reports besides its alerts.
#[derive(Clone, Copy)]
pub struct DetectOptions {
    /// Print the table of alerts per rule on stderr even when it is not a terminal.
    pub summary_table: bool,
    /// No progress line and no summary table.
    pub quiet: bool,
}

/// Runs `sumoql detect`: exit 0 when no alert fired, 1 when one did, 2 on errors.
pub fn detect_command(
    rules: &[PathBuf],
    paths: &[PathBuf],
    selection: &Selection,
    input: &InputArgs,
    output: &OutputArgs,
    options: DetectOptions,
) -> Result<(), Exit> {
    let files = load_rules(rules).map_err(|e| {
        eprintln!("error: {e}");
        Exit(2)
    })?;
    let mut config = input.run_config(now_ms(), None)?;
    let engine = input.engine(&config);
    let mut selected: Vec<(Rule, Query)> = Vec::new();
    let mut broken = false;
    for file in files {
        let origin = file.path.display().to_string();
        let rule = match file.rule {
            Ok(rule) => rule,
            Err(error) => {
                eprintln!("error: {origin}:{error}");
                broken = true;
                continue;
            }
        };
        if !selection.admits(&rule) {
            continue;
        }
        if let Some((other, _)) = selected
            .iter()
            .find(|(r, _)| r.metadata.id == rule.metadata.id)
        {
            eprintln!(
                "error: {origin}: rule id `{}` is already used by another rule ({})",
                rule.metadata.id, other.metadata.title
            );
            broken = true;
            continue;
        }
        match engine.compile(&rule.text) {
            Ok(query) => selected.push((rule, query)),
            Err(diagnostics) => {
                print_diagnostics(&diagnostics, &rule.text, &origin);
                broken = true;
            }
        }
    }
    if broken {
        return Err(Exit(2));
    }
    if selected.is_empty() {
        eprintln!("error: no rule selected (check --rules, --rule, --tag and --min-severity)");
        return Err(Exit(2));
    }
    let sources = sumoql_sources(paths)?;
    let queries: Vec<&Query> = selected.iter().map(|(_, query)| query).collect();
    let mut alerts = AlertOutput::new(output)?;
    let progress = ProgressLine::start(&sources, options.quiet);
    config.progress = progress.counter();
    let mut sink = |index: usize, columns: sumoql::ColumnNames, values: Vec<Value>| {
        let Some((rule, _)) = selected.get(index) else {
            return Ok(());
        };
        alerts
            .alert(rule, &columns, &values)
            .map_err(RunError::Write)
    };
    let result = detect(&queries, &sources, &config, &mut sink);
    drop(progress);
    let summary = match result {
        Ok(summary) => summary,
        Err(RunError::Write(error)) if is_closed_pipe(&error) => return Ok(()),
        Err(error) => {
            eprintln!("error: {error}");
            return Err(Exit(2));
        }
    };
    match alerts.finish() {
        Err(error) if !is_closed_pipe(&error) => {
            eprintln!("error: cannot write output: {error}");
            return Err(Exit(2));
        }
        _ => {}
    }
    report_warnings(&summary.run);
    let table_wanted = options.summary_table || std::io::stderr().is_terminal();
    if table_wanted && !options.quiet {
        eprint!("{}", summary_text(&selected, &summary.alerts_per_rule));
    }
    if summary.run.rows_written > 0 {
        Err(Exit(1))
    } else {
        Ok(())
    }
}

/// Where alerts go, in the format asked for: NDJSON and JSON write each alert as an object
/// (`rule_id`, `title`, `severity`, `mitre`, `result`); a table and CSV show one row per
/// alert, the rule's id and severity first, then the rule's own columns.
enum AlertOutput {
    /// Alert objects, one per line or in one array.
    Objects {
        out: Box<dyn Write + Send>,
        array: bool,
        written: u64,
    },
    /// Rows for a row writer.
    Rows(Box<dyn RowWriter + Send>),
}

impl AlertOutput {
    fn new(output: &OutputArgs) -> Result<AlertOutput, Exit> {
        Ok(match output.format() {
            format @ (Format::Ndjson | Format::Json) => AlertOutput::Objects {
                out: Box::new(std::io::BufWriter::new(output.open()?)),
                array: format == Format::Json,
                written: 0,
            },
            Format::Table | Format::Csv => AlertOutput::Rows(output.writer()?),
        })
    }

    fn alert(
        &mut self,
        rule: &Rule,
        columns: &[Arc<str>],
        values: &[Value],
    ) -> std::io::Result<()> {
        match self {
            AlertOutput::Objects {
                out,
                array,
                written,
            } => {
                let object = alert_json(&rule.metadata, columns, values);
                let separator = match (*array, *written) {
                    (false, _) => "",
                    (true, 0) => "[\n",
                    (true, _) => ",\n",
                };
                *written += 1;
                if *array {
                    write!(out, "{separator}{object}")
                } else {
                    writeln!(out, "{object}")
                }
            }
            AlertOutput::Rows(writer) => {
                let mut names: Vec<Arc<str>> =
                    vec![Arc::from("rule_id"), Arc::from("rule_severity")];
                names.extend(columns.iter().cloned());
                let mut row = vec![
                    Value::text(&rule.metadata.id),
                    Value::text(rule.metadata.severity.name()),
                ];
                row.extend(values.iter().cloned());
                writer.row(&names, &row)
            }
        }
    }

    fn finish(self) -> std::io::Result<()> {
        match self {
            AlertOutput::Objects {
                mut out,
                array,
                written,
            } => {
                if array {
                    let close = if written == 0 { "[]\n" } else { "\n]\n" };
                    out.write_all(close.as_bytes())?;
                }
                out.flush()
            }
            AlertOutput::Rows(mut writer) => writer.finish(),
        }
    }
}

/// The table of rules and their alert counts, most severe first.
fn summary_text(selected: &[(Rule, Query)], alerts: &[u64]) -> String {
    let mut rows: Vec<(&Rule, u64)> = selected
        .iter()
        .map(|(rule, _)| rule)
        .zip(alerts.iter().copied())
        .collect();
    rows.sort_by(|a, b| {
        b.0.metadata
            .severity
            .cmp(&a.0.metadata.severity)
            .then(b.1.cmp(&a.1))
            .then(a.0.metadata.id.cmp(&b.0.metadata.id))
    });
    let id_width = rows
        .iter()
        .map(|(rule, _)| rule.metadata.id.chars().count())
        .max()
        .unwrap_or(0)
        .max("rule".len());
    let mut out = format!(
        "{:<13} {:>6}  {:<id_width$}  title\n",
        "severity", "alerts", "rule"
    );
    for (rule, count) in &rows {
        out.push_str(&format!(
            "{:<13} {:>6}  {:<id_width$}  {}\n",
            rule.metadata.severity.name(),
            count,
            rule.metadata.id,
            rule.metadata.title
        ));
    }
    let total: u64 = alerts.iter().sum();
    let fired = alerts.iter().filter(|&&count| count > 0).count();
    out.push_str(&format!(
        "{total} alerts from {fired} of {} rules\n",
        rows.len()
    ));
    out
}
