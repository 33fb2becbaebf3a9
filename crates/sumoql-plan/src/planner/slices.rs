//! Planning what needs the run's time range: `timeslice N buckets`, whose width comes from
//! it, and the `timeslice` generator of `fillmissing`, which lists its slices.

use sumoql_syntax::ast::Name;
use sumoql_syntax::{codes, Diagnostic, Span, Spanned};
use sumoql_value::time::slice_start;
use sumoql_value::Value;

use super::Planner;
use crate::context::{bucket_width_ms, MAX_GENERATED_SLICES, TIME_RANGE_HELP};
use crate::plan::{Operator, RowOperator};

impl Planner<'_> {
    /// `timeslice N buckets [as f]`: a timeslice whose width cuts the run's range into at most
    /// N clock-aligned slices.
    pub(super) fn timeslice_buckets(
        &mut self,
        buckets: &Spanned<u64>,
        alias: Option<&Name>,
    ) -> Option<RowOperator> {
        let (start, end) = self.time_range(buckets.span, "`timeslice N buckets`")?;
        let time = self.read_field("_messageTime", buckets.span);
        let output = self.write_field(alias.map_or("_timeslice", |a| &a.node));
        Some(RowOperator::Timeslice {
            time,
            output,
            end: self.write_internal_field("_timeslice_end"),
            width_ms: bucket_width_ms(end - start, buckets.node),
        })
    }

    /// The slice starts of the run's range for `fillmissing timeslice[(width)]`: the width
    /// given, else that of the last `timeslice` before it.
    pub(super) fn generated_slices(
        &mut self,
        width: Option<&Spanned<i64>>,
        span: Span,
        operators: &[Operator],
    ) -> Option<Vec<Value>> {
        let width = match width {
            Some(width) => width.node,
            None => {
                let previous = operators.iter().rev().find_map(|operator| match operator {
                    Operator::Rows(RowOperator::Timeslice { width_ms, .. }) => Some(*width_ms),
                    _ => None,
                });
                let Some(previous) = previous else {
                    self.errors.push(
                        Diagnostic::error(
                            codes::INVALID_STAGE,
                            "the `timeslice` generator without a width takes the width of an earlier `timeslice`, but there is none",
                            span,
                        )
                        .with_label("no width")
                        .with_note("help: give the width, as in `fillmissing timeslice(15m)`"),
                    );
                    return None;
                };
                previous
            }
        };
        let (start, end) = self.time_range(span, "the `timeslice` generator of `fillmissing`")?;
        let zone = self.context.zone;
        let mut slices = Vec::new();
        let mut slice = slice_start(start, width, &zone);
        while let Some(at) = slice.filter(|&at| at < end) {
            if slices.len() == MAX_GENERATED_SLICES {
                self.errors.push(
                    Diagnostic::error(
                        codes::INVALID_STAGE,
                        format!(
                            "the `timeslice` generator would make more than {MAX_GENERATED_SLICES} slices of {width} ms over the run's time range"
                        ),
                        span,
                    )
                    .with_label("too many slices")
                    .with_note("help: give a wider slice or a shorter time range"),
                );
                return None;
            }
            slices.push(Value::Int(at));
            slice = at
                .checked_add(width)
                .and_then(|next| slice_start(next, width, &zone));
        }
        Some(slices)
    }

    /// The run's time range, or an error at `span` saying that `what` needs one.
    pub(super) fn time_range(&mut self, span: Span, what: &str) -> Option<(i64, i64)> {
        match self.context.time_range {
            Some((start, end)) if start < end => Some((start, end)),
            Some(_) => {
                self.errors.push(
                    Diagnostic::error(
                        codes::INVALID_STAGE,
                        format!("{what} needs a time range that is not empty"),
                        span,
                    )
                    .with_label("here")
                    .with_note(TIME_RANGE_HELP),
                );
                None
            }
            None => {
                self.errors.push(
                    Diagnostic::error(
                        codes::INVALID_STAGE,
                        format!("{what} needs the run's time range, and this run has none"),
                        span,
                    )
                    .with_label("needs --from and --to")
                    .with_note(TIME_RANGE_HELP),
                );
                None
            }
        }
    }
}
