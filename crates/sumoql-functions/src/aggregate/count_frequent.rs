//! `count_frequent(a, b…)`, the aggregate that produces rows.

use super::count::CountAccumulator;
use crate::prelude::*;

use sumoql_value::limits::MOST_FREQUENT_ROWS;

/// `count_frequent(a, b…)`: the most frequent combinations of the values of its fields, one
/// row each, with how many records have them in `_approxcount`.
#[derive(Debug)]
pub struct CountFrequent;

impl AggregateFunction for CountFrequent {
    fn name(&self) -> &'static str {
        "count_frequent"
    }

    fn signature(&self) -> Signature {
        Signature::at_least(1)
    }

    fn doc(&self) -> &'static str {
        "Counts the records of each combination of values of its fields (which must be plain \
         field names) and returns the 10,000 most frequent combinations as rows, as Sumo does: the fields, then \
         `_approxcount`, sorted by count, descending, ties in ascending order of the values. \
         The count is exact. A null value forms its own combination, like a null group key. It \
         must be the only aggregate of its stage and takes no `by`."
    }

    fn default_name(&self) -> &'static str {
        "_approxcount"
    }

    fn examples(&self) -> &'static [AggregateExample] {
        &[aggregate_example!(
            "count_frequent(method, status)",
            [
                r#"{"method":"GET","status":"200"}"#,
                r#"{"method":"POST","status":"500"}"#,
                r#"{"method":"GET","status":"200"}"#,
                r#"{"method":"GET","status":"404"}"#,
            ],
            "{\"method\":\"GET\",\"status\":\"200\",\"_approxcount\":2}\n\
             {\"method\":\"GET\",\"status\":\"404\",\"_approxcount\":1}\n\
             {\"method\":\"POST\",\"status\":\"500\",\"_approxcount\":1}"
        )]
    }

    fn most_frequent_rows(&self) -> Option<u64> {
        Some(MOST_FREQUENT_ROWS as u64)
    }

    fn accumulator(&self) -> Box<dyn Accumulator> {
        Box::new(CountAccumulator::default())
    }
}
