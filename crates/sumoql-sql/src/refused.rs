//! The operators that hold state across records, nest pipelines or run the query more than
//! once, refused with their reasons: their SQL would need engine-specific windows, recursion
//! or several queries.

use sumoql_plan::StateOperator;

use crate::SqlError;

/// A subquery: its child runs first and its rows become a condition.
pub(crate) fn subquery() -> SqlError {
    SqlError::new(
        "subquery",
        "its child query runs first and its rows become the condition; run the child on its own and put its rows in the query",
    )
}

/// `compare`, whose lanes are the query run again over earlier time ranges.
pub(crate) fn compare() -> SqlError {
    SqlError::new(
        "compare",
        "each earlier time range is the query run once more over other records; run one SQL query per range and join them",
    )
}

/// An operator that follows records through time and state.
pub(crate) fn state(operator: &StateOperator) -> SqlError {
    let (construct, why) = match operator {
        StateOperator::Sessionize(_) => (
            "sessionize",
            "its patterns change with the values each session captured, which SQL does not express",
        ),
        StateOperator::Trace(_) => (
            "trace",
            "its chain of IDs grows record by record in time order, which SQL does not express",
        ),
        StateOperator::Filter(_) => (
            "filter",
            "its child query runs over the rows first and its rows become the condition; run the child on its own and put its rows in a `where`",
        ),
        StateOperator::Predict(_) => (
            "predict",
            "its model is fitted over the whole series of rows before any row is written, and it adds slices that no row holds",
        ),
        StateOperator::Withtime(_)
        | StateOperator::Transaction(_)
        | StateOperator::Transactionize(_)
        | StateOperator::Merge(_) => {
            unreachable!("translated by the generator")
        }
    };
    SqlError::new(construct, why)
}

/// The text a refusal gives when a function has no SQL form and no reason was written for
/// it: the registry walk in the tests fails on it, so every refusal is a deliberate one.
pub(crate) const NOT_YET: &str = "the SQL generator has no faithful translation of this yet";

/// Why the functions with no SQL form have none, by lower-case name.
const FUNCTIONS: &[(&str, &str)] = &[
    ("getcidrprefix", IPV6_TEXT),
    ("comparecidrprefix", IPV6_TEXT),
    ("maskfromcidr", "a netmask is built from the prefix's bits, which needs bit operations each engine spells its own way"),
    ("querystarttime", QUERY_RANGE),
    ("queryendtime", QUERY_RANGE),
    ("querytimerange", QUERY_RANGE),
    ("format", "Java's printf-style conversions (%s, %d, %.2f, %x and their flags) have no portable SQL form"),
    ("urlencode", URL_CODEC),
    ("urldecode", URL_CODEC),
    ("base64encode", BASE64),
    ("base64decode", BASE64),
    ("hash", "its algorithms (md5, sha1, sha2_256, murmur3_128, crc32) are not all offered by every engine, and they return bytes in different forms"),
    ("hextodec", HEX),
    ("parsehex", HEX),
    ("dectohex", HEX),
    ("hextoascii", HEX),
];

const IPV6_TEXT: &str = "IPv6 addresses in their text forms (compressed `::`, an IPv4 tail) have no portable SQL parser";
const QUERY_RANGE: &str =
    "the query's time range is sumoql's --from and --to, which the SQL does not receive";
const URL_CODEC: &str = "the engines' URL codecs differ from Java's on spaces, reserved characters and malformed escapes";
const BASE64: &str = "text that does not decode comes back unchanged in sumoql, where the engines raise an error or give null, and they take bytes, not text";
const HEX: &str =
    "hexadecimal digits beyond 64 bits and invalid digits are handled by each engine its own way";

/// Why the functions the planner makes (not in the registry) have no SQL form.
const PLANNED_FUNCTIONS: &[(&str, &str)] = &[(
    "lookupcontains",
    "the table is a local file read at plan time; load it into the engine and join",
)];

/// A function with no SQL form, with its reason.
pub(crate) fn function(name: &str) -> SqlError {
    let lower = name.to_ascii_lowercase();
    let reason = FUNCTIONS
        .iter()
        .chain(PLANNED_FUNCTIONS)
        .find(|(refused, _)| *refused == lower)
        .map_or(NOT_YET, |(_, reason)| reason);
    SqlError::new(format!("{name}()"), reason)
}

/// An aggregate with no SQL form in the shape it was called.
pub(crate) fn aggregate(name: &str) -> SqlError {
    let reason = match name {
        "pct" => "a percentile must be a constant number",
        _ => NOT_YET,
    };
    SqlError::new(format!("{name}()"), reason)
}

/// The text of a computed float for `construct` (a function as `name()`, or a stage), which
/// sumoql writes its own way.
pub(crate) fn float_text(construct: &str) -> SqlError {
    SqlError::new(
        format!("{construct} of a computed number"),
        "sumoql writes a float's text as its shortest form (2, not 2.0; no exponents), which the engines' casts to text do not",
    )
}

/// `replace` with a regular expression, for `reason`.
pub(crate) fn replace_regex(reason: &str) -> SqlError {
    SqlError::new("replace() with a regular expression", reason)
}

/// `replace` whose target is not a constant of at least one character.
pub(crate) fn replace_target() -> SqlError {
    SqlError::new(
        "replace() with an empty or computed target",
        "an empty target inserts the replacement around every character, which SQL's replace does not do; the target must be non-empty constant text",
    )
}

/// `round(x, places)` whose places are not a small constant.
pub(crate) fn round_places() -> SqlError {
    SqlError::new(
        "round() to computed places",
        "the number of places must be a whole constant from -22 to 22, whose power of ten is exact",
    )
}

/// `formatDate`, for `reason`.
pub(crate) fn format_date(reason: &str) -> SqlError {
    SqlError::new("formatDate()", reason)
}

#[cfg(test)]
mod tests {
    use sumoql_functions::Registry;
    use sumoql_plan::plan_query;
    use sumoql_syntax::parse_query;

    use super::{FUNCTIONS, NOT_YET};
    use crate::{to_sql, Dialect, Input, SqlError, SqlOptions};

    const DIALECTS: [Dialect; 3] = [Dialect::DuckDb, Dialect::Spark, Dialect::ClickHouse];

    /// The SQL of `query` in `dialect`, or its refusal.
    fn compile(query: &str, dialect: Dialect, registry: &Registry) -> Result<String, SqlError> {
        let parsed = parse_query(query).unwrap_or_else(|e| panic!("{query}: {e:?}"));
        let plan = plan_query(&parsed, registry).unwrap_or_else(|e| panic!("{query}: {e:?}"));
        let options = SqlOptions::new(dialect, Input::Table("logs".into()));
        to_sql(&plan, &options).map(|translation| translation.sql)
    }

    /// Checks that `query`, which calls `name`, compiles in every dialect or is refused on
    /// purpose: the construct names the function and the reason is a written one. Returns
    /// whether any dialect compiled it.
    fn compiles_or_is_refused(name: &str, query: &str, registry: &Registry) -> bool {
        let mut compiled = false;
        for dialect in DIALECTS {
            match compile(query, dialect, registry) {
                Ok(_) => compiled = true,
                Err(error) => {
                    assert!(
                        error
                            .construct
                            .to_ascii_lowercase()
                            .contains(&name.to_ascii_lowercase()),
                        "{query} on {dialect:?}: the refusal names {:?}",
                        error.construct
                    );
                    assert!(
                        !error.reason.is_empty() && error.reason != NOT_YET,
                        "{query} on {dialect:?}: `{name}` is refused without a reason of its own"
                    );
                }
            }
        }
        compiled
    }

    /// `expression` with the first argument of its call of `name` replaced by a field, so that
    /// the planner cannot fold the call into a constant.
    fn with_field_first(expression: &str, name: &str) -> String {
        let call = format!("{}(", name.to_ascii_lowercase());
        let Some(at) = expression.to_ascii_lowercase().find(&call) else {
            return expression.to_string();
        };
        let start = at + call.len();
        let (mut depth, mut quoted, mut escaped) = (0, false, false);
        for (offset, c) in expression[start..].char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' if quoted => escaped = true,
                '"' => quoted = !quoted,
                _ if quoted => {}
                '(' => depth += 1,
                ')' | ',' if depth == 0 => {
                    if offset == 0 {
                        break;
                    }
                    let end = start + offset;
                    return format!("{}sumoql_f{}", &expression[..start], &expression[end..]);
                }
                ')' => depth -= 1,
                _ => {}
            }
        }
        expression.to_string()
    }

    #[test]
    fn a_first_argument_becomes_a_field() {
        assert_eq!(with_field_first("abs(-42)", "abs"), "abs(sumoql_f)");
        assert_eq!(
            with_field_first("isNaN(sqrt(-4))", "sqrt"),
            "isNaN(sqrt(sumoql_f))"
        );
        assert_eq!(
            with_field_first("concat(\"a,(\", null)", "concat"),
            "concat(sumoql_f, null)"
        );
        assert_eq!(with_field_first("now()", "now"), "now()");
    }

    #[test]
    fn every_function_of_the_registry_has_a_sql_form_or_a_reasoned_refusal() {
        let registry = Registry::standard();
        let mut walked = 0;
        for function in registry.scalars() {
            let name = function.name();
            let listed = FUNCTIONS
                .iter()
                .any(|(refused, _)| *refused == name.to_ascii_lowercase());
            for example in function.examples() {
                let expression = with_field_first(example.expression, name);
                let query = format!("* | {expression} as sumoql_x | fields sumoql_x");
                let compiled = compiles_or_is_refused(name, &query, &registry);
                assert!(
                    !(listed && compiled),
                    "`{name}` is in the refusal list but {query} compiles"
                );
                walked += 1;
            }
        }
        for function in registry.aggregates() {
            for example in function.examples() {
                let query = format!("* | {}", example.stage);
                compiles_or_is_refused(function.name(), &query, &registry);
                walked += 1;
            }
        }
        assert!(walked > 150, "only {walked} examples walked");
    }

    #[test]
    fn the_refusal_list_names_only_functions_of_the_registry() {
        let registry = Registry::standard();
        for (name, reason) in FUNCTIONS {
            assert!(registry.scalar(name).is_some(), "{name} is not a function");
            assert!(!reason.is_empty());
        }
    }
}
