//! Planning the operators that follow records through time and state.

use sumoql_syntax::ast::{MatchPattern, StateStage, StateTest, Transaction, TransactionResults};
use sumoql_syntax::{codes, Diagnostic, Span, Spanned};
use sumoql_value::SlotId;

use super::extract::bad_pattern;
use super::Planner;
use crate::pattern::TextPattern;
use crate::plan::{self, Columns, Fringe, Operator, StateCheck, StateOperator, TransactionRows};

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
            StateStage::Transactionize(_)
            | StateStage::Merge(_)
            | StateStage::Sessionize(_)
            | StateStage::Trace(_)
            | StateStage::Withtime(_) => {
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
}
