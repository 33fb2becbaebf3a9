//! Planning the row operators: `timeslice`, `top`, `topk`, `dedup`, the row sequences,
//! `lookup` and `transpose`.

use std::sync::Arc;

use sumoql_syntax::ast::{Generator, Literal, Name, RowStage};
use sumoql_syntax::{codes, Diagnostic, Span};
use sumoql_value::SlotId;

use super::ip_lookup::ip_database_of;
use super::{literal_value, Planner};
use crate::plan::{Columns, Operator, RowOperator};
use sumoql_value::Value;

impl Planner<'_> {
    /// Plans one row operator, appending its operators.
    pub(super) fn row_stage(&mut self, stage: &RowStage, operators: &mut Vec<Operator>) {
        let operator = match stage {
            RowStage::Timeslice { width, alias } => {
                let time = self.read_field("_messageTime", width.span);
                let output = self.write_field(alias.as_ref().map_or("_timeslice", |a| &a.node));
                RowOperator::Timeslice {
                    time,
                    output,
                    width_ms: width.node,
                }
            }
            RowStage::TimesliceBuckets { buckets, alias } => {
                match self.timeslice_buckets(buckets, alias.as_ref()) {
                    Some(operator) => operator,
                    None => return,
                }
            }
            RowStage::Top { limit, fields, by } => {
                let by = self.top_grouping(by);
                match self.top_counts(&by, fields, operators) {
                    Some(count) => RowOperator::Top {
                        limit: limit.node,
                        ranked: vec![count],
                        by,
                        rank: None,
                    },
                    None => return,
                }
            }
            RowStage::TopK { limit, fields, by } => {
                let ranked = self.read_fields(fields);
                let by = self.read_fields(by);
                RowOperator::Top {
                    limit: limit.node,
                    ranked,
                    by,
                    rank: Some(self.write_field("_rank")),
                }
            }
            RowStage::Dedup {
                consecutive,
                limit,
                by,
            } => {
                let by = if by.is_empty() {
                    let raw = self.schema.intern("_raw");
                    let readable = matches!(self.columns, Columns::Whole { .. })
                        || self.columns.has(raw)
                        || self.passes_through("_raw", raw);
                    if !readable {
                        self.errors.push(
                            Diagnostic::error(
                                codes::INVALID_STAGE,
                                "`dedup` without `by` compares whole messages (`_raw`), which an earlier stage removed",
                                limit.span,
                            )
                            .with_label("no `by` here")
                            .with_note("help: name the fields that make a duplicate: `dedup by f, g`"),
                        );
                        return;
                    }
                    vec![self.read_field("_raw", limit.span)]
                } else {
                    self.read_fields(by)
                };
                RowOperator::Dedup {
                    consecutive: *consecutive,
                    limit: limit.node,
                    by,
                }
            }
            RowStage::Sequence {
                kind,
                field,
                shift,
                alias,
                by,
            } => {
                let field_slot = self.read_field(&field.node, field.span);
                let by = self.read_fields(by);
                let output_name = alias.as_ref().map_or(kind.default_output(), |a| &a.node);
                RowOperator::Sequence {
                    kind: *kind,
                    field: field_slot,
                    shift: shift.as_ref().map_or(1, |s| s.node),
                    output: self.write_field(output_name),
                    by,
                }
            }
            RowStage::Lookup { outputs, path, on } if ip_database_of(&path.node).is_some() => {
                match self.ip_table_lookup(outputs, path, on) {
                    Some(operator) => operator,
                    None => return,
                }
            }
            RowStage::Lookup { outputs, path, on } => match self.lookup_table(outputs, path, on) {
                Some(table) => RowOperator::Lookup(Arc::new(table)),
                None => return,
            },
            RowStage::GeoIp { field, optional } => match self.geoip(field, optional) {
                Some(operator) => operator,
                None => return,
            },
            RowStage::Save { append, table } => match self.save(*append, table) {
                Some(operator) => operator,
                None => return,
            },
            RowStage::FillMissing { generators } => {
                match self.fill_missing(generators, operators) {
                    Some(operator) => operator,
                    None => return,
                }
            }
            RowStage::Transpose { row, column } => match self.transpose(row, column) {
                Some(operator) => operator,
                None => return,
            },
        };
        operators.push(Operator::Rows(operator));
    }

    /// The slots of fields a stage reads.
    pub(super) fn read_fields(&mut self, names: &[Name]) -> Vec<SlotId> {
        names
            .iter()
            .map(|n| self.read_field(&n.node, n.span))
            .collect()
    }

    /// `top`'s `by`: `by count` (or `_count`) names the ranking Sumo already uses, not a group.
    fn top_grouping(&mut self, by: &[Name]) -> Vec<SlotId> {
        match by {
            [only] if ["count", "_count"].contains(&only.node.to_ascii_lowercase().as_str()) => {
                Vec::new()
            }
            _ => self.read_fields(by),
        }
    }

    /// `top`'s counting: `count by <by>, <fields>`; returns the `_count` slot.
    fn top_counts(
        &mut self,
        by: &[SlotId],
        fields: &[Name],
        operators: &mut Vec<Operator>,
    ) -> Option<SlotId> {
        let counted = self.read_fields(fields);
        let function = self.registry.aggregate("count")?;
        let mut keys = by.to_vec();
        keys.extend(counted.iter().filter(|slot| !by.contains(slot)));
        let name = function.default_name();
        Some(self.single_aggregate(keys, function, Vec::new(), name, operators))
    }

    /// `fillmissing values(...) in f, timeslice(...), ...`: only after an aggregation, whose
    /// rows it completes.
    fn fill_missing(
        &mut self,
        generators: &[Generator],
        operators: &[Operator],
    ) -> Option<RowOperator> {
        let span_of = |generator: &Generator| match generator {
            Generator::Values(_, field) => field.span,
            Generator::Timeslice { span, .. } => *span,
        };
        let (first, last) = (generators.first()?, generators.last()?);
        if matches!(self.columns, Columns::Whole { .. }) {
            self.errors.push(
                Diagnostic::error(
                    codes::INVALID_STAGE,
                    "`fillmissing` completes the rows of an aggregation: put one such as `count by f` before it",
                    Span::new(span_of(first).start, span_of(last).end),
                )
                .with_label("no aggregation before this"),
            );
            return None;
        }
        let mut keys = Vec::new();
        let mut values = Vec::new();
        for generator in generators {
            match generator {
                Generator::Values(listed, field) => {
                    keys.push(self.read_field(&field.node, field.span));
                    values.push(listed.iter().map(generated_key).collect());
                }
                Generator::Timeslice { width, field, span } => {
                    let (field_name, field_span) = field
                        .as_ref()
                        .map_or(("_timeslice", *span), |f| (&f.node, f.span));
                    keys.push(self.read_field(field_name, field_span));
                    values.push(self.generated_slices(width.as_ref(), *span, operators)?);
                }
            }
        }
        Some(RowOperator::FillMissing { keys, values })
    }

    /// `transpose row r column c`: the cells hold the one other column of an aggregation.
    fn transpose(&mut self, row: &[Name], column: &[Name]) -> Option<RowOperator> {
        let span = match (row.first(), column.last()) {
            (Some(first), Some(last)) => Span::new(first.span.start, last.span.end),
            _ => return None,
        };
        let Columns::Exact(columns) = &self.columns else {
            self.errors.push(
                Diagnostic::error(
                    codes::INVALID_STAGE,
                    "`transpose` needs keyed rows: put an aggregation such as `count by r, c` before it",
                    span,
                )
                .with_label("no aggregation before this"),
            );
            return None;
        };
        let columns = columns.clone();
        let row = self.read_fields(row);
        let column = self.read_fields(column);
        let rest: Vec<SlotId> = columns
            .iter()
            .copied()
            .filter(|slot| !row.contains(slot) && !column.contains(slot))
            .collect();
        let [value] = rest[..] else {
            let others: Vec<&str> = rest.iter().map(|&s| self.schema.name(s)).collect();
            self.errors.push(
                Diagnostic::error(
                    codes::INVALID_STAGE,
                    format!(
                        "`transpose` fills its cells from the one column that is neither a row nor a column field, but there are {}: {}",
                        others.len(),
                        if others.is_empty() { "none".to_string() } else { others.join(", ") }
                    ),
                    span,
                )
                .with_label("needs exactly one other column"),
            );
            return None;
        };
        self.set_columns(Columns::Dynamic {
            leading: row.clone(),
        });
        Some(RowOperator::Transpose { row, column, value })
    }
}

/// A `fillmissing` value as a key: text, as keys read from logs are (D6).
fn generated_key(literal: &Literal) -> Value {
    match literal_value(literal) {
        Value::Null => Value::Null,
        value => Value::text(value.to_text().unwrap_or_default()),
    }
}

#[cfg(test)]
mod tests {
    use sumoql_functions::Registry;
    use sumoql_syntax::parse_query;

    use crate::plan_query;

    fn explain(text: &str) -> String {
        let query = parse_query(text).unwrap();
        plan_query(&query, &Registry::standard()).unwrap().explain()
    }

    #[test]
    fn row_operators_explain_themselves() {
        let text = explain(
            "* | timeslice 5m | dedup 2 by host | accum bytes by host | backshift bytes, 3 as b \
             | top 3 host by _timeslice | transpose row _timeslice column host",
        );
        let expected = "\
Scope: *
Read: _messageTime, host, bytes
1. Timeslice _timeslice = 300000 ms slice of _messageTime
2. Dedup 2 by host
3. Accum _accum = accum(bytes) by host
4. Backshift b = backshift(bytes, 3)
5. Aggregate count() as _count by _timeslice, host
6. Top 3 by _count desc per _timeslice
7. Transpose row _timeslice column host value _count
Output: _timeslice, then the columns transpose makes
";
        assert_eq!(text, expected);
    }

    #[test]
    fn topk_adds_rank_and_fillmissing_lists_its_keys() {
        let text = explain("* | count by a | topk(1, _count) | fillmissing values(\"x\") in a");
        assert!(
            text.contains("Top 1 by _count desc, rank in _rank"),
            "{text}"
        );
        assert!(text.contains("FillMissing a in (x)"), "{text}");
        assert!(text.ends_with("Output: a, _count, _rank\n"), "{text}");
    }
}
