//! Planning the row operators: `timeslice`, `top`, `topk`, `dedup`, the row sequences,
//! `lookup`, `geoip`, `threatip`, `threatlookup`, `save`, `fillmissing`, `bin` and `transpose`.

use std::sync::Arc;

use sumoql_syntax::ast::{Generator, Literal, Name, Outlier, RowStage};
use sumoql_syntax::{codes, Diagnostic, Span, Spanned};
use sumoql_value::SlotId;

use sumoql_functions::CallContext;

use super::ip_lookup::ip_database_of;
use super::order::RecordOrder;
use super::{literal_value, Planner};
use crate::expr::PlanExpr;
use crate::plan::{
    AggregateSpec, BinSpec, Columns, LogReduceSpec, Operator, OutlierFields, OutlierSpec,
    RowOperator,
};
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
                    end: self.write_internal_field("_timeslice_end"),
                    width_ms: width.node,
                }
            }
            RowStage::TimesliceBuckets { buckets, alias } => {
                match self.timeslice_buckets(buckets, alias.as_ref()) {
                    Some(operator) => operator,
                    None => return,
                }
            }
            RowStage::Top { limit, fields, by } => match self.top_ranking(fields, by, operators) {
                Some(ranked) => RowOperator::Top {
                    limit: limit.node,
                    ranked,
                    by: Vec::new(),
                    rank: None,
                },
                None => return,
            },
            RowStage::TopK { limit, fields, by } => {
                self.in_message_order(limit.span, operators);
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
                    let readable = self.can_read("_raw");
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
                self.in_message_order(limit.span, operators);
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
                self.in_message_order(field.span, operators);
                let output_name = alias.as_ref().map_or(kind.default_output(), |a| &a.node);
                RowOperator::Sequence {
                    kind: *kind,
                    field: field_slot,
                    shift: shift.as_ref().map_or(kind.default_count(), |s| s.node),
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
            RowStage::ThreatIp { field } => match self.threat_ip(field) {
                Some(operator) => operator,
                None => return,
            },
            RowStage::ThreatLookup {
                single,
                source,
                field,
            } => match self.threat_lookup(*single, source.as_ref(), field) {
                Some(operator) => operator,
                None => return,
            },
            RowStage::LogReduce {
                field,
                by,
                limit,
                criteria,
                span,
            } => {
                let field = match field {
                    Some(name) => self.read_field(&name.node, name.span),
                    None => self.read_field("_raw", *span),
                };
                let by = self.read_fields(by);
                self.in_message_order(*span, operators);
                let spec = LogReduceSpec {
                    field,
                    by: by.clone(),
                    limit: limit.as_ref().map(|l| l.node),
                    criteria: *criteria,
                    signature: self.write_field("signature"),
                    count: self.write_field("_count"),
                };
                let mut columns = by;
                columns.extend([spec.signature, spec.count]);
                self.set_columns(Columns::Exact(columns));
                RowOperator::LogReduce(spec)
            }
            RowStage::Save { append, table } => match self.save(*append, table) {
                Some(operator) => operator,
                None => return,
            },
            RowStage::FillMissing {
                generators,
                defaults,
            } => match self.fill_missing(generators, defaults, operators) {
                Some(operator) => operator,
                None => return,
            },
            RowStage::Bin {
                field,
                width,
                min,
                max,
            } => match self.bin(field, width, min.as_ref(), max.as_ref()) {
                Some(spec) => RowOperator::Bin(spec),
                None => return,
            },
            RowStage::Outlier(outlier) => self.outlier(outlier),
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

    /// `top`'s ranking: an aggregation by the top fields that gives each combination its
    /// count (`top 5 f`, or Sumo's explicit `by count`), or the largest value of each `by`
    /// field (`top 10 f by _messageTime`, `count f | top 2 f by _count`); returns the slots
    /// ranked.
    fn top_ranking(
        &mut self,
        fields: &[Name],
        by: &[Name],
        operators: &mut Vec<Operator>,
    ) -> Option<Vec<SlotId>> {
        let keys = self.read_fields(fields);
        if self.ranks_by_count(by) {
            let function = self.registry.aggregate("count")?;
            let name = function.default_name();
            return Some(vec![self.single_aggregate(
                keys,
                function,
                Vec::new(),
                name,
                operators,
            )]);
        }
        let largest = self.registry.aggregate("max")?;
        let mut aggregates = Vec::new();
        let mut ranked = Vec::new();
        for field in by {
            let slot = self.read_field(&field.node, field.span);
            if keys.contains(&slot) || ranked.contains(&slot) {
                self.errors.push(
                    Diagnostic::error(
                        codes::INVALID_STAGE,
                        format!("`top` ranks by `{}`, which it also lists", field.node),
                        field.span,
                    )
                    .with_label("named twice"),
                );
                return None;
            }
            ranked.push(slot);
            aggregates.push(AggregateSpec {
                function: Arc::clone(&largest),
                args: vec![PlanExpr::Field(slot)],
                output: slot,
            });
        }
        let mut columns = keys.clone();
        columns.extend(&ranked);
        self.set_columns(Columns::Exact(columns));
        operators.push(Operator::Aggregate { keys, aggregates });
        Some(ranked)
    }

    /// Whether `top ... by` ranks by the number of records: without `by`, with Sumo's `by
    /// count`, or with `by _count` when no earlier stage made a `_count` field.
    fn ranks_by_count(&mut self, by: &[Name]) -> bool {
        match by {
            [] => true,
            [only] if only.node.eq_ignore_ascii_case("count") => true,
            [only] if only.node.eq_ignore_ascii_case("_count") => {
                let slot = self.intern("_count");
                !self.columns.has(slot) || matches!(self.columns, Columns::Whole { .. })
            }
            _ => false,
        }
    }

    /// `fillmissing values(...) in f, timeslice(...), ... [with v for g]`: only after an
    /// aggregation, whose rows it completes.
    fn fill_missing(
        &mut self,
        generators: &[Generator],
        defaults: &[(Literal, Name)],
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
        let defaults = defaults
            .iter()
            .map(|(value, field)| {
                (
                    self.read_field(&field.node, field.span),
                    literal_value(value),
                )
            })
            .collect();
        Some(RowOperator::FillMissing {
            keys,
            values,
            defaults,
            empty: empty_aggregates(operators),
        })
    }

    /// `outlier f [by k] [options]`: Sumo's defaults are a window of 10 points, 3 deviations,
    /// one outlier for a violation and both sides of the band. Its rows come in `_timeslice`
    /// order.
    fn outlier(&mut self, outlier: &Outlier) -> RowOperator {
        let value = self.read_field(&outlier.field.node, outlier.field.span);
        let timeslice = self.read_field("_timeslice", outlier.field.span);
        let by = self.read_fields(&outlier.by);
        let mut output =
            |suffix: &str| self.write_field(&format!("{}_{suffix}", outlier.field.node));
        let field = OutlierFields {
            value,
            error: output("error"),
            lower: output("lower"),
            upper: output("upper"),
            indicator: output("indicator"),
            violation: output("violation"),
        };
        let count = |option: &Option<Spanned<u64>>, default: usize| {
            option
                .as_ref()
                .map_or(default, |n| usize::try_from(n.node).unwrap_or(usize::MAX))
        };
        self.order = RecordOrder::Arranged;
        RowOperator::Outlier(OutlierSpec {
            field,
            timeslice,
            by,
            window: count(&outlier.window, 10),
            threshold: outlier.threshold.as_ref().map_or(3.0, |t| t.node),
            consecutive: count(&outlier.consecutive, 1),
            direction: outlier.direction,
        })
    }

    /// `bin f width=W[, min=A][, max=B]`: the bounds checked, the three output fields named.
    fn bin(
        &mut self,
        field: &Name,
        width: &Spanned<f64>,
        min: Option<&Spanned<f64>>,
        max: Option<&Spanned<f64>>,
    ) -> Option<BinSpec> {
        let refuse = |planner: &mut Self, span: Span, message: &str| {
            planner.errors.push(
                Diagnostic::error(codes::BAD_ARGUMENT, message.to_string(), span)
                    .with_label(message.to_string()),
            );
        };
        if !(width.node.is_finite() && width.node > 0.0) {
            refuse(self, width.span, "the bin width must be a positive number");
            return None;
        }
        if let (Some(min), Some(max)) = (min, max) {
            if min.node >= max.node {
                refuse(self, max.span, "`max` must be above `min`");
                return None;
            }
        }
        let field = self.read_field(&field.node, field.span);
        Some(BinSpec {
            field,
            width: width.node,
            min: min.map(|m| m.node),
            max: max.map(|m| m.node),
            label: self.write_field("_bin_label"),
            lower: self.write_field("_bin_lower"),
            upper: self.write_field("_bin_upper"),
        })
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

/// The columns of the last aggregation whose aggregate over no records is a number (`count`
/// and `count_distinct` give 0), with that number.
fn empty_aggregates(operators: &[Operator]) -> Vec<(SlotId, Value)> {
    let Some(aggregates) = operators.iter().rev().find_map(|operator| match operator {
        Operator::Aggregate { aggregates, .. } => Some(aggregates),
        _ => None,
    }) else {
        return Vec::new();
    };
    aggregates
        .iter()
        .filter_map(|spec| {
            let value = spec
                .function
                .accumulator()
                .finish(&mut CallContext::default());
            value.as_number().is_some().then_some((spec.output, value))
        })
        .collect()
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
    use crate::planner::tests::explain;

    #[test]
    fn row_operators_explain_themselves() {
        let text = explain(
            "* | timeslice 5m | dedup 2 by host | accum bytes by host | backshift bytes, 3 as b \
             | top 3 _timeslice, host | transpose row _timeslice column host",
        );
        let expected = "\
Scope: *
Read: _messageTime, host, bytes
1. Timeslice _timeslice = 300000 ms slice of _messageTime
2. Sort _messageTime desc
3. Dedup 2 by host
4. Accum _accum = accum(bytes) by host
5. Backshift b = backshift(bytes, 3)
6. Aggregate count() as _count by _timeslice, host
7. Top 3 by _count desc
8. Transpose row _timeslice column host value _count
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
        let text = explain("* | count by a | fillmissing values(\"x\") in a with -1 for _count");
        assert!(
            text.contains("FillMissing a in (x) with -1 for _count"),
            "{text}"
        );
    }
}
