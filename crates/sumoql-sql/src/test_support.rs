//! What the unit tests of the generator's parts share.

use sumoql_functions::Registry;
use sumoql_plan::plan_query;
use sumoql_syntax::parse_query;

use crate::{to_sql, Dialect, Input, SqlOptions};

/// The SQL of `query` in `dialect` over the table `logs`, with `sumoql sql`'s defaults.
pub(crate) fn table_sql(query: &str, dialect: Dialect) -> String {
    let plan = plan_query(&parse_query(query).unwrap(), &Registry::standard()).unwrap();
    let options = SqlOptions::new(dialect, Input::Table("logs".into()));
    to_sql(&plan, &options).unwrap().sql
}
