//! The plan of a subquery: a child query run first, whose rows become a condition.

use crate::plan::{slot_names, Plan};
use sumoql_value::{Schema, SlotId};

/// A child query (`[subquery: … | compose f, g]`), run before the query that holds it. Its
/// rows become a condition where the subquery stands (the placeholder
/// [`ScopeFilter::Subquery`](crate::ScopeFilter::Subquery) or
/// [`PlanExpr::Subquery`](crate::PlanExpr::Subquery)): one row is all of its `field=value`
/// terms, and a record passes when it meets any row's terms.
#[derive(Clone)]
pub struct Subquery {
    /// The child query; its output columns are the composed fields, in order.
    pub plan: Plan,
    /// Where the rows' values are tested in the query that holds it.
    pub target: SubqueryTarget,
    /// `maxresults`: how many distinct rows are taken (2,500 unless given, at most 10,000).
    pub max_results: usize,
    /// `from=(…)`: the start of the child's time range, as written; the run's when absent.
    pub from: Option<String>,
    /// `to=(…)`: the end of the child's time range, as written.
    pub to: Option<String>,
}

/// How a subquery's rows are tested.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SubqueryTarget {
    /// In the scope: each value is a `field=value` term (whole value, case-insensitive).
    ScopeFields(Vec<SlotId>),
    /// In the scope with `keywords`: each value is a keyword of `_raw` (in this slot).
    Keywords(SlotId),
    /// In `where` or `if`: each value is `field = "value"` (case-sensitive).
    Condition(Vec<SlotId>),
}

impl Subquery {
    /// How its rows are used, for `explain`, with the fields named from the schema of the
    /// query that holds it.
    pub fn describe(&self, schema: &Schema) -> String {
        let names = |slots: &[SlotId]| slot_names(schema, slots);
        let range = match (&self.from, &self.to) {
            (None, None) => String::new(),
            (from, to) => format!(
                ", from {} to {}",
                from.as_deref().unwrap_or("the run's start"),
                to.as_deref().unwrap_or("the run's end")
            ),
        };
        let target = match &self.target {
            SubqueryTarget::ScopeFields(slots) => format!("scope terms on {}", names(slots)),
            SubqueryTarget::Keywords(_) => "keywords".to_string(),
            SubqueryTarget::Condition(slots) => format!("a condition on {}", names(slots)),
        };
        format!("up to {} row(s) as {target}{range}", self.max_results)
    }
}
