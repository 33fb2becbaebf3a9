//! Sumo's record order. Sumo gives log records newest first (by `_messageTime`, descending),
//! so an operator that depends on the order of log records (`limit`, `dedup`, `accum`,
//! `diff`, `backshift`, `total`, `topk`, the ties of `sort`, `first` and `last`) sees them in
//! that order, ties in input order. The planner puts them in it only where an operator needs
//! it: a query that only filters and assigns keeps streaming its records in input order.

use std::sync::Arc;

use sumoql_functions::AggregateFunction;
use sumoql_syntax::Span;

use super::Planner;
use crate::plan::{Operator, SortSpec};

/// The order of the records a stage receives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum RecordOrder {
    /// Log records in input order, which Sumo would show newest first.
    Input,
    /// An order a stage made (a sort, an aggregation's groups, a ranking), which later stages
    /// keep to.
    Arranged,
}

/// The field that orders log records.
const MESSAGE_TIME: &str = "_messageTime";

impl Planner<'_> {
    /// Puts log records newest first before an operator that depends on their order; records
    /// already arranged by a stage keep that order. A sort holds every record until its input
    /// ends: that is the memory an order-dependent operator over log records costs.
    pub(super) fn in_message_order(&mut self, span: Span, operators: &mut Vec<Operator>) {
        if self.order == RecordOrder::Input {
            let time = self.read_field(MESSAGE_TIME, span);
            operators.push(Operator::Sort(vec![SortSpec {
                slot: time,
                ascending: false,
            }]));
            self.order = RecordOrder::Arranged;
        }
    }

    /// The keys of a `sort`: over log records, equal keys keep Sumo's order, so the sort ends
    /// with `_messageTime` descending.
    pub(super) fn sort_keys(&mut self, mut keys: Vec<SortSpec>, span: Span) -> Vec<SortSpec> {
        if self.order == RecordOrder::Input {
            let time = self.read_field(MESSAGE_TIME, span);
            if !keys.iter().any(|key| key.slot == time) {
                keys.push(SortSpec {
                    slot: time,
                    ascending: false,
                });
            }
        }
        self.order = RecordOrder::Arranged;
        keys
    }

    /// The aggregate that computes `function` over the records as they come: over log records,
    /// `first` becomes `most_recent` (and `last` `least_recent`), which gives Sumo's answer
    /// without holding the records to order them.
    pub(super) fn in_record_order(
        &self,
        function: &Arc<dyn AggregateFunction>,
    ) -> Option<Arc<dyn AggregateFunction>> {
        if self.order != RecordOrder::Input {
            return None;
        }
        self.registry.aggregate(function.in_message_order()?)
    }
}

#[cfg(test)]
mod tests {
    use crate::planner::tests::explain;

    #[test]
    fn log_records_are_put_newest_first_once_and_only_where_needed() {
        let text = explain("* | where a = \"1\" | limit 5");
        assert!(
            text.contains("2. Sort _messageTime desc\n3. Limit 5"),
            "{text}"
        );
        let text = explain("* | dedup by a | backshift a | limit 3");
        assert_eq!(text.matches("Sort").count(), 1, "{text}");
        let text = explain("* | count by a | limit 3 | dedup by a");
        assert!(!text.contains("Sort"), "{text}");
        let text = explain("* | where a = \"1\" | fields a");
        assert!(!text.contains("Sort"), "{text}");
    }

    #[test]
    fn a_sort_of_log_records_ends_with_the_time_and_of_rows_does_not() {
        assert!(explain("* | sort by a").contains("Sort a desc, _messageTime desc"));
        assert!(explain("* | sort by _messagetime asc").contains("Sort _messageTime asc\n"));
        assert!(explain("* | count by a | sort by a").contains("Sort a desc\n"));
    }

    #[test]
    fn first_and_last_of_log_records_go_by_time() {
        let text = explain("* | first(a), last(a) by b");
        assert!(
            text.contains("most_recent(a, _messageTime) as _first"),
            "{text}"
        );
        assert!(
            text.contains("least_recent(a, _messageTime) as _last"),
            "{text}"
        );
        let text = explain("* | sort by a | first(a)");
        assert!(text.contains("first(a) as _first"), "{text}");
    }
}
