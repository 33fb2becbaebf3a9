//! Planning the operators that follow records through time and state.

use sumoql_syntax::ast::{
    self, Boundary, FilterIn, Forecast, MatchPattern, MergeField, MergeStrategy, Name,
    SessionPattern, Stage, StateStage, StateTest, Transaction, TransactionResults, Transactionize,
};
use sumoql_syntax::{codes, Diagnostic, Span, Spanned};
use sumoql_value::limits::PREDICT_FORECAST;
use sumoql_value::SlotId;

use super::extract::{bad_pattern, star_count_error};
use super::order::RecordOrder;
use super::Planner;
use crate::pattern::{anchor_regex_of, compile, AnchorPiece, TextPattern};
use crate::plan::{
    self, BoundaryCheck, Columns, Fringe, GroupFields, MergeSpec, Operator, SessionStep,
    StateCheck, StateOperator, TransactionRows,
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
            StateStage::Sessionize(patterns) => self.sessionize(patterns, span),
            StateStage::Trace(trace) => self.trace(trace, span),
            StateStage::Withtime(field) => self.withtime(field, span),
            StateStage::Predict(predict) => self.predict(predict, span),
            StateStage::Filter(filter) => self.filter(filter, span),
        };
        if let Some(operator) = operator {
            operators.push(Operator::State(operator));
        }
    }

    /// The slot of `_messageTime` for an operator that orders records by it; an error when
    /// an earlier stage removed it.
    pub(super) fn time_to_order_by(&mut self, operator: &str, span: Span) -> Option<SlotId> {
        self.time_field(operator, "orders records by", span)
    }

    /// The slot of `_messageTime` for an operator that `uses` it (as in "`merge` orders
    /// records by"); an error when an earlier stage removed it.
    fn time_field(&mut self, operator: &str, uses: &str, span: Span) -> Option<SlotId> {
        let readable = self.can_read("_messageTime");
        if !readable {
            self.errors.push(
                Diagnostic::error(
                    codes::INVALID_STAGE,
                    format!("`{operator}` {uses} `_messageTime`, which an earlier stage removed"),
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

    /// `sessionize "p1" as (a, …), "p2" as (…)…`: each pattern's `$field`s must name a field an
    /// earlier pattern captures; the `*`s take the names in parentheses.
    fn sessionize(&mut self, patterns: &[SessionPattern], span: Span) -> Option<StateOperator> {
        let time = self.time_to_order_by("sessionize", span)?;
        let raw = self.read_field("_raw", span);
        let mut captured: Vec<SlotId> = Vec::new();
        let mut steps = Vec::new();
        for pattern in patterns {
            let pieces = self.session_pieces(&pattern.pattern, &captured)?;
            let stars = pieces.iter().filter(|p| matches!(p, Piece::Star)).count();
            if stars != pattern.fields.len() {
                self.errors.push(star_count_error(
                    stars,
                    &pattern.fields,
                    pattern.pattern.span,
                ));
                return None;
            }
            let anchors: Vec<AnchorPiece<'_>> = pieces
                .iter()
                .map(|piece| match piece {
                    Piece::Text(text) => AnchorPiece::Text(text),
                    Piece::Star | Piece::Field(_) => AnchorPiece::Star,
                })
                .collect();
            let regex = match anchor_regex_of(&anchors) {
                Ok(regex) => regex,
                Err(why) => {
                    self.errors.push(bad_pattern(pattern.pattern.span, why));
                    return None;
                }
            };
            let mut names = pattern.fields.iter();
            let mut captures = Vec::new();
            for piece in &pieces {
                match piece {
                    Piece::Text(_) => {}
                    Piece::Field(slot) => captures.push(Some(*slot)),
                    Piece::Star => {
                        let name = names.next()?;
                        captures.push((name.node != "_").then(|| self.write_field(&name.node)));
                    }
                }
            }
            captured.extend(captures.iter().flatten());
            steps.push(SessionStep {
                written: pattern.pattern.node.clone(),
                regex,
                captures,
            });
        }
        self.order = RecordOrder::Arranged;
        Some(StateOperator::Sessionize(plan::Sessionize {
            time,
            raw,
            steps,
        }))
    }

    /// The pieces of a `sessionize` pattern: `*`s, `$field`s (each a field in `captured`) and
    /// the text between them; a `$` not followed by a name is text.
    fn session_pieces(
        &mut self,
        pattern: &Spanned<String>,
        captured: &[SlotId],
    ) -> Option<Vec<Piece>> {
        let mut pieces = Vec::new();
        let mut text = String::new();
        let mut chars = pattern.node.char_indices();
        while let Some((at, c)) = chars.next() {
            let after = &pattern.node[at + c.len_utf8()..];
            let name_len = after
                .find(|n: char| !(n.is_ascii_alphanumeric() || n == '_'))
                .unwrap_or(after.len());
            match c {
                '*' => {
                    pieces.push(Piece::Text(std::mem::take(&mut text)));
                    pieces.push(Piece::Star);
                }
                '$' if name_len > 0 => {
                    let name = &after[..name_len];
                    let slot = self.intern(name);
                    if !captured.contains(&slot) {
                        self.errors.push(
                            Diagnostic::error(
                                codes::INVALID_STAGE,
                                format!("`${name}` names no field that an earlier pattern captures"),
                                pattern.span,
                            )
                            .with_label("in this pattern")
                            .with_note("help: a `$field` stands for a value captured by a pattern before it, as in `\"id=* start\" as (id), \"id=$id end in * ms\" as (ms)`"),
                        );
                        return None;
                    }
                    pieces.push(Piece::Text(std::mem::take(&mut text)));
                    pieces.push(Piece::Field(slot));
                    for _ in 0..name_len {
                        chars.next();
                    }
                }
                _ => text.push(c),
            }
        }
        pieces.push(Piece::Text(text));
        pieces.retain(|piece| !matches!(piece, Piece::Text(text) if text.is_empty()));
        Some(pieces)
    }

    /// `trace [+|-] "regex" "start"`: the expression needs a group, whose text is an ID.
    fn trace(&mut self, trace: &ast::Trace, span: Span) -> Option<StateOperator> {
        let time = self.time_to_order_by("trace", span)?;
        let raw = self.read_field("_raw", span);
        let regex = match compile(&trace.regex.node) {
            Ok(regex) => regex,
            Err(why) => {
                self.errors.push(bad_pattern(trace.regex.span, why));
                return None;
            }
        };
        if regex.captures_len() < 2 {
            self.errors.push(
                Diagnostic::error(
                    codes::INVALID_STAGE,
                    "`trace` takes the ID from the regular expression's first group, and it has none",
                    trace.regex.span,
                )
                .with_label("no group")
                .with_note("help: put the ID in parentheses, as in `trace \"ID=([0-9a-f]{4})\" \"7F92\"`"),
            );
            return None;
        }
        self.order = RecordOrder::Arranged;
        Some(StateOperator::Trace(plan::Trace {
            time,
            raw,
            regex,
            start: trace.start.node.clone(),
            backward: trace.backward,
        }))
    }

    /// `withtime f`: adds `f_withtime`.
    fn withtime(&mut self, field: &Name, span: Span) -> Option<StateOperator> {
        let time = self.time_field("withtime", "pairs each value with", span)?;
        let source = self.read_field(&field.node, field.span);
        let output = self.write_field(&format!("{}_withtime", field.node));
        Some(StateOperator::Withtime(plan::Withtime {
            field: source,
            time,
            output,
        }))
    }

    /// `predict f by D [forecast=N|D]`, after an aggregation by `_timeslice`; a forecast is
    /// 1 to 100 slices (a duration counts the whole slices within it).
    fn predict(&mut self, predict: &ast::Predict, span: Span) -> Option<StateOperator> {
        let slices = self.intern("_timeslice");
        let aggregated = !matches!(self.columns, Columns::Whole { .. }) && self.columns.has(slices);
        if !aggregated {
            self.errors.push(
                Diagnostic::error(
                    codes::INVALID_STAGE,
                    "`predict` models a series of rows aggregated by `_timeslice`, and the rows it gets are not",
                    span,
                )
                .with_label("needs `_timeslice` rows")
                .with_note("help: aggregate by time slice first: `timeslice 1m | count by _timeslice | predict _count by 1m`"),
            );
            return None;
        }
        let width_ms = predict.width.node;
        let forecast = match predict.forecast {
            None => 3,
            Some(Spanned {
                node: Forecast::Points(n),
                ..
            }) => usize::try_from(n).unwrap_or(usize::MAX),
            Some(Spanned {
                node: Forecast::Span(ms),
                ..
            }) => usize::try_from(ms / width_ms).unwrap_or(0),
        };
        if let Some(written) = &predict.forecast {
            if forecast == 0 || forecast > PREDICT_FORECAST {
                self.errors.push(
                    Diagnostic::error(
                        codes::INVALID_STAGE,
                        format!("`predict` forecasts 1 to {PREDICT_FORECAST} slices, and this asks {forecast}"),
                        written.span,
                    )
                    .with_label(format!("{forecast} slices of {width_ms} ms")),
                );
                return None;
            }
        }
        let value = self.read_field(&predict.field.node, predict.field.span);
        let timeslice = self.read_field("_timeslice", span);
        let predicted = self.write_field(&format!("{}_predicted", predict.field.node));
        let error = self.write_field(&format!("{}_error", predict.field.node));
        self.order = RecordOrder::Arranged;
        Some(StateOperator::Predict(plan::Predict {
            value,
            timeslice,
            predicted,
            error,
            width_ms,
            forecast,
        }))
    }

    /// `filter f[, g] in (stages)`, after an aggregation: the child is planned from the rows'
    /// columns and must give every field; the rows keep their columns.
    fn filter(&mut self, filter: &FilterIn, span: Span) -> Option<StateOperator> {
        if matches!(self.columns, Columns::Whole { .. }) {
            self.errors.push(
                Diagnostic::error(
                    codes::INVALID_STAGE,
                    "`filter` follows an aggregation: it keeps the aggregate rows its child query selects",
                    span,
                )
                .with_label("log records, not aggregate rows")
                .with_note("help: aggregate first, as in `count by _timeslice, host | filter host in (sum(_count) by host | top 2 host by _sum)`, or use `where`"),
            );
            return None;
        }
        for stage in &filter.stages {
            let nested_filter = matches!(stage.node, Stage::State(StateStage::Filter(_)));
            if nested_filter || matches!(stage.node, Stage::Compare(_)) {
                self.errors.push(
                    Diagnostic::error(
                        codes::INVALID_STAGE,
                        "the child query of `filter` cannot hold `compare` or `filter`",
                        stage.span,
                    )
                    .with_label("not in a child query"),
                );
                return None;
            }
        }
        let fields = self.read_fields(&filter.fields);
        let before = (self.columns.clone(), self.passthrough.clone(), self.order);
        let child = self.nested(&filter.stages);
        let missing = filter
            .fields
            .iter()
            .zip(&fields)
            .find(|(_, slot)| !self.columns.has(**slot));
        if let Some((name, _)) = missing {
            let last = filter.stages.last().map_or(span, |stage| stage.span);
            self.errors.push(
                Diagnostic::error(
                    codes::INVALID_STAGE,
                    format!("the child query of `filter` gives no `{}`", name.node),
                    name.span,
                )
                .with_secondary(last, "its rows end here without it")
                .with_note(
                    "help: every field of `filter` must be a column of the child query's rows",
                ),
            );
            return None;
        }
        (self.columns, self.passthrough, self.order) = before;
        Some(StateOperator::Filter(plan::FilterIn { fields, child }))
    }
}

/// A piece of a `sessionize` pattern.
enum Piece {
    /// Text that matches itself.
    Text(String),
    /// A `*`, which captures a field named in parentheses.
    Star,
    /// `$field`: a capture that must equal the session's value of a field captured earlier.
    Field(SlotId),
}
