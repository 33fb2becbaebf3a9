//! `sumoql detect`: every selected rule over the logs in one pass, alerts as NDJSON.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use sumoql::{alert_json, detect, load_rules, Engine, Query, Rule, RuleSeverity, RunConfig, Value};

use crate::{now_ms, print_diagnostics, sumoql_sources, Exit};

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

/// Runs `sumoql detect`: exit 0 when no alert fired, 1 when one did, 2 on errors.
pub fn detect_command(
    rules: &[PathBuf],
    paths: &[PathBuf],
    selection: &Selection,
    summary_table: bool,
    threads: Option<usize>,
) -> Result<(), Exit> {
    let files = load_rules(rules).map_err(|e| {
        eprintln!("error: {e}");
        Exit(2)
    })?;
    let engine = Engine::new();
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
    let sources = sumoql_sources(paths).map_err(|_| Exit(2))?;
    let queries: Vec<&Query> = selected.iter().map(|(_, query)| query).collect();
    let config = RunConfig {
        now_ms: now_ms(),
        threads,
        ..RunConfig::default()
    };
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    let mut sink = |index: usize, columns: sumoql::ColumnNames, values: Vec<Value>| {
        let line = selected
            .get(index)
            .map(|(rule, _)| alert_json(&rule.metadata, &columns, &values))
            .unwrap_or_default();
        writeln!(stdout, "{line}").map_err(sumoql::RunError::Write)
    };
    let summary = match detect(&queries, &sources, &config, &mut sink) {
        Ok(summary) => summary,
        Err(error) => {
            eprintln!("error: {error}");
            return Err(Exit(2));
        }
    };
    if let Err(error) = stdout.flush() {
        eprintln!("error: cannot write output: {error}");
        return Err(Exit(2));
    }
    eprint!("{}", summary.run.warnings);
    if summary_table || std::io::stderr().is_terminal() {
        eprint!("{}", summary_text(&selected, &summary.alerts_per_rule));
    }
    if summary.run.rows_written > 0 {
        Err(Exit(1))
    } else {
        Ok(())
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
