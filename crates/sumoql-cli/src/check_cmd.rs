//! `sumoql check`: parse, plan and lint query files; rule files get their metadata checked too.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;

use sumoql::{run, Engine, RowWriter, Rule, RunConfig, Value};

use crate::{print_diagnostics, query_text, sumoql_sources, usage_error, Exit};

/// How many records of each input are sampled for their field names.
const SAMPLE_RECORDS: u64 = 1000;

/// Checks `files`: exit 2 when one does not parse or plan (or has bad rule metadata); lint
/// warnings are printed but do not fail. With `schema` or `inputs`, the fields the logs have are
/// known and `by` fields are checked against them.
pub fn check_command(
    files: &[PathBuf],
    schema: Option<&PathBuf>,
    inputs: &[PathBuf],
) -> Result<(), Exit> {
    let input_fields = known_fields(schema, inputs)?;
    let engine = Engine::new();
    let mut failed = false;
    for file in files {
        let (text, origin) = query_text(Some(file), None)?;
        if text.trim_start().starts_with("// id:") {
            if let Err(error) = Rule::parse(&text) {
                eprintln!("error: {origin}:{error}");
                failed = true;
                continue;
            }
        }
        match engine.lint(&text, input_fields.as_ref()) {
            Ok(warnings) if warnings.is_empty() => eprintln!("{origin}: ok"),
            Ok(warnings) => {
                print_diagnostics(&warnings, &text, &origin);
                eprintln!("{origin}: ok, {} warning(s)", warnings.len());
            }
            Err(diagnostics) => {
                print_diagnostics(&diagnostics, &text, &origin);
                failed = true;
            }
        }
    }
    if failed {
        Err(Exit(2))
    } else {
        Ok(())
    }
}

/// The field names of the schema file (one per line, `#` comments) and of the first records
/// of each input; `None` when neither is given.
fn known_fields(
    schema: Option<&PathBuf>,
    inputs: &[PathBuf],
) -> Result<Option<BTreeSet<String>>, Exit> {
    if schema.is_none() && inputs.is_empty() {
        return Ok(None);
    }
    let mut fields = BTreeSet::new();
    if let Some(path) = schema {
        let text = std::fs::read_to_string(path)
            .map_err(|e| usage_error(format!("cannot read schema {}: {e}", path.display())))?;
        fields.extend(
            text.lines()
                .map(str::trim)
                .filter(|line| !line.is_empty() && !line.starts_with('#'))
                .map(str::to_string),
        );
    }
    if !inputs.is_empty() {
        let engine = Engine::new();
        let sample = format!("* | limit {SAMPLE_RECORDS}");
        let query = engine.compile(&sample).map_err(|_| Exit(2))?;
        let mut collector = FieldCollector::default();
        for source in sumoql_sources(inputs)? {
            run(&query, &[source], &RunConfig::default(), &mut collector).map_err(|e| {
                eprintln!("error: {e}");
                Exit(2)
            })?;
        }
        fields.extend(collector.names);
    }
    Ok(Some(fields))
}

/// A row writer that only keeps the column names it sees.
#[derive(Default)]
struct FieldCollector {
    names: BTreeSet<String>,
}

impl RowWriter for FieldCollector {
    fn row(&mut self, columns: &[Arc<str>], _values: &[Value]) -> std::io::Result<()> {
        self.names
            .extend(columns.iter().map(|name| name.to_string()));
        Ok(())
    }

    fn finish(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
