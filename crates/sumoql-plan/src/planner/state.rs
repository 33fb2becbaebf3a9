//! Planning the operators that follow records through time and state.

use sumoql_syntax::ast::{
    Boundary, MatchPattern, MergeField, MergeStrategy, StateStage, StateTest, Transaction,
    TransactionResults, Transactionize,
};
use sumoql_syntax::{codes, Diagnostic, Span, Spanned};
use sumoql_value::SlotId;

use super::extract::bad_pattern;
use super::order::RecordOrder;
use super::Planner;
use crate::pattern::TextPattern;
use crate::plan::{
    self, BoundaryCheck, Columns, Fringe, GroupFields, MergeSpec, Operator, StateCheck,
    StateOperator, TransactionRows,
};

impl Planner<'_> {
    /// Plans one state operator, appending its operators.
    pub(super) fn state_stage(
        &mut self,
        stage: &StateStage,
        span: Span,
        operators: &mut Vec<Operator>,
    ) {
        let operator = match stage {
            StateStage::Transaction(transaction) => self.transaction(transaction, span),
            StateStage::Transactionize(group) => self.transactionize(group, span),
            StateStage::Merge(fields) => self.merge(fields, span),
            StateStage::Sessionize(_) | StateStage::Trace(_) | StateStage::Withtime(_) => {
                self.errors.push(
                    Diagnostic::error(
                        codes::UNSUPPORTED_OPERATOR,
                        format!("the `{}` operator is not supported yet", stage.name()),
                        span,
                    )
                    .with_note("help: `sumoql help` lists the operators sumoql runs"),
                );
                None
            }
        };
        if let Some(operator) = operator {
            operators.push(Operator::State(operator));
        }
    }

    /// The slot of `_messageTime` for an operator that orders records by it; an error when
    /// an earlier stage removed it.
    pub(super) fn time_to_order_by(&mut self, operator: &str, span: Span) -> Option<SlotId> {
        let readable = self.can_read("_messageTime");
        if !readable {
            self.errors.push(
                Diagnostic::error(
                    codes::INVALID_STAGE,
                    format!("`{operator}` orders records by `_messageTime`, which an earlier stage removed"),
                    span,
                )
                .with_label("needs each record's time")
                .with_note(format!("help: put `{operator}` before the aggregation or `fields` that removes `_messageTime`")),
            );
            return None;
        }
        Some(self.read_field("_messageTime", span))
    }

    /// `transaction on f with … [fringe=D] [results by transactions|flow]`.
    fn transaction(&mut self, transaction: &Transaction, span: Span) -> Option<StateOperator> {
        let time = self.time_to_order_by("transaction", span)?;
        let on = self.read_fields(&transaction.on);
        let mut states = Vec::new();
        for state in &transaction.states {
            if states
                .iter()
                .any(|(name, _): &(String, StateCheck)| name.eq_ignore_ascii_case(&state.name.node))
            {
                self.errors.push(
                    Diagnostic::error(
                        codes::INVALID_STAGE,
                        format!("two states are named `{}`", state.name.node),
                        state.name.span,
                    )
                    .with_label("named twice"),
                );
                return None;
            }
            let check = match &state.test {
                StateTest::Pattern { pattern, field } => {
                    let slot = match field {
                        Some(field) => self.read_field(&field.node, field.span),
                        None => self.read_field("_raw", pattern.span),
                    };
                    let compiled =
                        match TextPattern::new(&MatchPattern::Wildcard(pattern.node.clone())) {
                            Ok(compiled) => compiled,
                            Err(why) => {
                                self.errors.push(bad_pattern(pattern.span, why));
                                return None;
                            }
                        };
                    StateCheck::Pattern {
                        slot,
                        pattern: compiled,
                    }
                }
                StateTest::Value { value, field } => StateCheck::Value {
                    slot: self.read_field(&field.node, field.span),
                    value: value.clone(),
                },
            };
            states.push((state.name.node.clone(), check));
        }
        let fringe = match &transaction.fringe {
            Some(width) => Some(self.fringe(width)?),
            None => None,
        };
        let mut columns = on.clone();
        let mut output = |planner: &mut Self, name: &str| {
            let slot = planner.intern(name);
            columns.push(slot);
            slot
        };
        let rows = match transaction.results {
            TransactionResults::Transactions => TransactionRows::Transactions {
                start: output(self, "_start_time"),
                end: output(self, "_end_time"),
                counts: states.iter().map(|(name, _)| output(self, name)).collect(),
            },
            TransactionResults::Flow => TransactionRows::Flow {
                from: output(self, "fromstate"),
                to: output(self, "tostate"),
                latency: output(self, "latency"),
            },
        };
        self.set_columns(Columns::Exact(columns));
        Some(StateOperator::Transaction(plan::Transaction {
            on,
            time,
            states,
            fringe,
            rows,
        }))
    }

    /// `fringe=D` against the run's time range, which it needs.
    fn fringe(&mut self, width: &Spanned<i64>) -> Option<Fringe> {
        let Some((start_ms, end_ms)) = self.context.time_range else {
            self.errors.push(
                Diagnostic::error(
                    codes::INVALID_STAGE,
                    "`fringe` cuts transactions at the edges of the run's time range, and this run has none",
                    width.span,
                )
                .with_label("needs a time range")
                .with_note("help: give the run `--from` and `--to`, or `--last`"),
            );
            return None;
        };
        Some(Fringe {
            width_ms: width.node,
            start_ms,
            end_ms,
        })
    }

    /// `transactionize f[, g] [as name] [options] [(stages)]`: the stages are planned from the
    /// columns it receives; the group fields come after their columns.
    fn transactionize(&mut self, group: &Transactionize, span: Span) -> Option<StateOperator> {
        let time = self.time_to_order_by("transactionize", span)?;
        let fields = self.read_fields(&group.fields);
        let starts_with = match &group.starts_with {
            Some(boundary) => Some(self.boundary(boundary)?),
            None => None,
        };
        let ends_with = match &group.ends_with {
            Some(boundary) => Some(self.boundary(boundary)?),
            None => None,
        };
        let stages = self.nested(&group.stages);
        let prefix = group
            .alias
            .as_ref()
            .map_or("_group".to_string(), |alias| alias.node.clone());
        let group_fields = GroupFields {
            id: self.write_field(&prefix),
            duration: self.write_field(&format!("{prefix}_duration")),
            size: self.write_field(&format!("{prefix}_size")),
            orphaned: self.write_field(&format!("{prefix}_orphaned")),
        };
        self.order = RecordOrder::Arranged;
        Some(StateOperator::Transactionize(plan::Transactionize {
            fields,
            time,
            max_span_ms: group.max_span.as_ref().map(|d| d.node),
            max_pause_ms: group.max_pause.as_ref().map(|d| d.node),
            max_logs: group.max_logs.as_ref().map(|n| n.node),
            starts_with,
            ends_with,
            keep_orphans: group.keep_orphans,
            stages,
            group: group_fields,
        }))
    }

    /// The text of `startsWith=` or `endsWith=`, looked for anywhere in `_raw`.
    fn boundary(&mut self, boundary: &Boundary) -> Option<BoundaryCheck> {
        let raw = self.read_field("_raw", boundary.pattern.span);
        let anywhere = format!("*{}*", boundary.pattern.node);
        match TextPattern::new(&MatchPattern::Wildcard(anywhere)) {
            Ok(pattern) => Some(BoundaryCheck {
                raw,
                pattern,
                strict: boundary.strict,
            }),
            Err(why) => {
                self.errors.push(bad_pattern(boundary.pattern.span, why));
                None
            }
        }
    }

    /// `merge [f [strategy] [as g][, …]]`; a bare `merge` joins `_raw` with new lines and keeps
    /// the earliest `_messageTime`.
    fn merge(&mut self, fields: &[MergeField], span: Span) -> Option<StateOperator> {
        let time = self.time_to_order_by("merge", span)?;
        let mut specs = Vec::new();
        if fields.is_empty() {
            let raw = self.read_field("_raw", span);
            specs.push(MergeSpec {
                source: raw,
                strategy: MergeStrategy::Join("\n".to_string()),
                output: raw,
            });
            specs.push(MergeSpec {
                source: time,
                strategy: MergeStrategy::TakeFirst,
                output: time,
            });
        }
        for field in fields {
            let source = self.read_field(&field.field.node, field.field.span);
            let is_time = self.schema.name(source) == "_messageTime";
            if is_time
                && !matches!(
                    field.strategy,
                    MergeStrategy::TakeFirst | MergeStrategy::TakeLast
                )
            {
                self.errors.push(
                    Diagnostic::error(
                        codes::INVALID_STAGE,
                        "`_messageTime` can only be merged with `takeFirst` or `takeLast`",
                        field.field.span,
                    )
                    .with_label("a time is one value"),
                );
                return None;
            }
            let output_name = field.alias.as_ref().unwrap_or(&field.field).node.clone();
            let output = self.intern(&output_name);
            if specs.iter().any(|s: &MergeSpec| s.output == output) {
                let at = field.alias.as_ref().unwrap_or(&field.field).span;
                self.errors.push(
                    Diagnostic::error(
                        codes::INVALID_STAGE,
                        format!("two merged fields are named `{output_name}`"),
                        at,
                    )
                    .with_label("named twice"),
                );
                return None;
            }
            specs.push(MergeSpec {
                source,
                strategy: field.strategy.clone(),
                output,
            });
        }
        self.set_columns(Columns::Exact(specs.iter().map(|s| s.output).collect()));
        Some(StateOperator::Merge(plan::Merge {
            time,
            fields: specs,
        }))
    }
}
