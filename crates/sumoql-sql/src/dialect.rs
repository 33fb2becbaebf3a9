//! What differs between the SQL dialects: quoting, regular expressions, casts, arrays, dates
//! and readers.

use sumoql_plan::JsonStep;

use crate::{clickhouse::ClickHouse, duckdb::DuckDb, spark::Spark, SqlError};

/// A SQL dialect sumoql writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// Spark SQL (spark-sql, Databricks, notebooks).
    Spark,
    /// DuckDB.
    DuckDb,
    /// ClickHouse.
    ClickHouse,
}

impl Dialect {
    /// The writer of this dialect.
    pub(crate) fn writer(self) -> &'static dyn SqlDialect {
        match self {
            Dialect::Spark => &Spark,
            Dialect::DuckDb => &DuckDb,
            Dialect::ClickHouse => &ClickHouse,
        }
    }
}

/// The pieces of SQL each dialect writes its own way.
pub(crate) trait SqlDialect {
    /// A quoted identifier.
    fn identifier(&self, name: &str) -> String;
    /// A string literal holding exactly `text`.
    fn string(&self, text: &str) -> String;
    /// The name of the text type.
    fn text_type(&self) -> &'static str;
    /// Whether `text` (SQL text) matches the regular expression `pattern` anywhere.
    fn regex_match(&self, text: &str, pattern: &str) -> String {
        self.regex_test(text, &self.string(&unnamed_groups(pattern)))
    }
    /// Whether `text` (SQL text) matches anywhere the regular expression that the SQL text
    /// `pattern` computes, row by row.
    fn regex_test(&self, text: &str, pattern: &str) -> String;
    /// Capture group `group` of the first match of `pattern` in `text`.
    fn regex_extract(&self, text: &str, pattern: &str, group: usize) -> String;
    /// Capture group `group` of every match of `pattern` in `text`, left to right, each
    /// search starting where the last match ended: a list of text, `""` for a group that
    /// takes no part in a match.
    fn regex_extract_all(&self, text: &str, pattern: &str, group: usize) -> String;
    /// The list of text `list` with each element in lower case, as [`SqlDialect::lower`].
    fn lower_each(&self, list: &str) -> String {
        self.list_map(list, "sumoql_element", &self.lower("sumoql_element"))
    }
    /// The 1-based position of the first element of `list` equal to `value`, 0 when none is.
    fn first_position(&self, list: &str, value: &str) -> String;
    /// The 1-based position of the last element of `list` equal to `value`, 0 when none is.
    fn last_position(&self, list: &str, value: &str) -> String;
    /// The element of `list` at the 1-based `position` (which the caller knows is within it).
    fn element(&self, list: &str, position: &str) -> String {
        format!("{list}[{position}]")
    }
    /// The 1-based character position of the first occurrence of `needle` in `text`, 0 when
    /// there is none.
    fn text_position(&self, text: &str, needle: &str) -> String {
        format!("position({needle} IN {text})")
    }
    /// The offset east of UTC, in seconds as a BIGINT, of the IANA zone `zone` (its canonical
    /// name) at the instant `millis` (epoch milliseconds).
    fn zone_offset_seconds(&self, millis: &str, zone: &str) -> String;
    /// Whether the JSON text `array` is an array with a string element equal to `text`
    /// (false, or null, for text that is not a JSON array). Text that is not quite JSON is
    /// read as each engine's JSON reader reads it: DuckDB takes an array with a trailing
    /// comma, Spark an array followed by other text, where sumoql takes neither.
    fn json_array_holds_string(&self, array: &str, text: &str) -> String;
    /// The top-level keys of the JSON object `object`, in order, as a list of text.
    fn json_keys(&self, object: &str) -> String;
    /// The member of the JSON object `object` named by the text `key` (SQL), as
    /// [`SqlDialect::json_member`] gives a member named in the query.
    fn json_member_named(&self, object: &str, key: &str) -> String;
    /// The number of elements of `list`, as a BIGINT.
    fn list_length(&self, list: &str) -> String;
    /// A select-list item that makes one row per number from 1 to `count` (which is at least
    /// 1), each row with its number, for a stage whose rows become several.
    fn each_up_to(&self, count: &str) -> String;
    /// `list` with each element `variable` replaced by `body` (SQL that names `variable`).
    fn list_map(&self, list: &str, variable: &str, body: &str) -> String;
    /// The elements `variable` of `list` that meet `condition` (SQL that names `variable`).
    fn list_filter(&self, list: &str, variable: &str, condition: &str) -> String;
    /// The 1-based positions of `list`, `[1, 2, ..., n]` (empty for an empty list).
    fn list_positions(&self, list: &str) -> String;
    /// The greatest number of `list`, null or 0 when it is empty.
    fn list_max(&self, list: &str) -> String;
    /// The least number of `list`, null or 0 when it is empty.
    fn list_min(&self, list: &str) -> String;
    /// The distinct elements of `list`.
    fn list_distinct(&self, list: &str) -> String;
    /// The list of lists `list` made one list, in order.
    fn list_flatten(&self, list: &str) -> String;
    /// The `length` elements of `list` from the 1-based `start` (fewer past its end).
    fn list_slice(&self, list: &str, start: &str, length: &str) -> String;
    /// The list of text `list` joined without a separator.
    fn list_concat(&self, list: &str) -> String;
    /// The first element of `list` that is not null, null when none is.
    fn first_present(&self, list: &str) -> String;
    /// Numeric text (SQL, text already known to be numeric) as a double.
    fn text_to_double(&self, text: &str) -> String {
        format!("CAST({text} AS DOUBLE)")
    }
    /// The condition `condition` as a value of the engine's boolean type, which prints as
    /// `true` or `false`.
    fn boolean(&self, condition: &str) -> String {
        condition.to_string()
    }
    /// The number of characters (not bytes) of `text`.
    fn char_length(&self, text: &str) -> String;
    /// `text` in lower case by Unicode rules.
    fn lower(&self, text: &str) -> String {
        format!("lower({text})")
    }
    /// `text` in upper case by Unicode rules, `ß` as `SS`.
    fn upper(&self, text: &str) -> String {
        format!("upper({text})")
    }
    /// `number` (SQL, a double) truncated toward zero to a 64-bit integer.
    fn truncate_to_long(&self, number: &str) -> String;
    /// `text` with every match of `pattern` replaced by `replacement`.
    fn regex_replace(&self, text: &str, pattern: &str, replacement: &[Piece]) -> String;
    /// The characters of `text` from the 1-based `start`, `length` of them or to the end.
    fn substring(&self, text: &str, start: &str, length: Option<&str>) -> String {
        match length {
            Some(length) => format!("substring({text}, {start}, {length})"),
            None => format!("substring({text}, {start})"),
        }
    }
    /// The sorted distinct non-null values of `text`, at most 100, as an array (D14).
    fn values_aggregate(&self, text: &str) -> String;
    /// The value of `value` in the row of the group that sorts first by `keys` (each a number
    /// or the row order, and whether it sorts descending) among the rows that meet `filter`;
    /// null when none does. Only the last key may be the row order.
    fn first_by(&self, value: &str, keys: &[(String, bool)], filter: &str) -> String;
    /// The texts `text` of the group's rows that meet `filter`, in ascending order of `keys`
    /// (numbers that are never null; only the last may be the row order), joined with the SQL
    /// text `separator`; null when no row meets it.
    fn ordered_join(&self, text: &str, keys: &[String], filter: &str, separator: &str) -> String;
    /// The sample standard deviation of the non-null doubles of `number`, accurate for large
    /// values; over fewer than two, whatever the engine gives (the caller decides those).
    fn sample_stddev(&self, number: &str) -> String;
    /// The exact percentile `fraction` (0 to 1) of the non-null doubles of `number`,
    /// interpolated linearly between the two nearest ranks (rank `fraction * (n - 1)`).
    fn percentile(&self, number: &str, fraction: f64) -> String;
    /// `millis` (epoch milliseconds, SQL number) formatted with the Java `pattern`, in UTC.
    fn format_date(&self, millis: &str, pattern: &str) -> Result<String, SqlError>;
    /// Epoch milliseconds of ISO-8601 `text` (SQL text), null when it is not a time.
    fn iso_millis(&self, text: &str) -> String;
    /// The number of the row in input order, for the reader.
    fn input_order(&self) -> &'static str;
    /// The body of one stage's common table expression as the engine should read it.
    fn stage(&self, body: &str) -> String {
        body.to_string()
    }
    /// The session settings the SQL relies on, as statements run first.
    fn settings(&self) -> Vec<String>;
    /// Statements that compute `query` once into the table `name`, which later statements
    /// read: a stage that several stages read is otherwise computed again for each of them.
    fn materialize(&self, name: &str, query: &str) -> Vec<String>;
    /// Statements to run first, and the relation to read, for the log lines of `path` (a
    /// file, a glob, or a folder read with every file in it): one row per line, with the line
    /// in [`LINE`], its file's name in [`FILE`] and its place in [`ORDER`], the same however
    /// often the relation is read.
    fn line_reader(&self, path: &str, folder: bool) -> (Vec<String>, String);
    /// The value at `path` (keys and array indexes from the top, no wildcard) of the JSON text
    /// `line`, as text: a string
    /// as its value, a number, boolean, object or array as JSON text, null when absent or
    /// JSON null.
    fn json_member(&self, line: &str, path: &[JsonStep]) -> String;
    /// Whether the text `line` is valid JSON.
    fn json_valid(&self, line: &str) -> String;
    /// The current time in epoch milliseconds, when the engine runs the query.
    fn now_millis(&self) -> &'static str;
    /// How many items the JSON array `text` holds; -1 when it is null, not JSON or not an
    /// array.
    fn json_array_size(&self, text: &str) -> String;
    /// `number` as a double column whose `LAG` before a group's first row is null (ClickHouse
    /// gives the type's default, 0, for a column that cannot be null).
    fn nullable_double(&self, number: &str) -> String {
        format!("CAST({number} AS DOUBLE)")
    }
    /// Whether the double `number` is NaN (null for null).
    fn is_nan(&self, number: &str) -> String {
        format!("isnan({number})")
    }
    /// The engine's function for sumoql's float function `name` (lower case), which gives
    /// the same value for every double, or `None` when the engine has none.
    fn float_function(&self, name: &str) -> Option<&'static str> {
        common_float_function(name)
    }
}

/// The float functions all three engines offer under one name.
pub(crate) fn common_float_function(name: &str) -> Option<&'static str> {
    Some(match name {
        "sqrt" => "sqrt",
        "cbrt" => "cbrt",
        "exp" => "exp",
        "log" => "ln",
        "log10" => "log10",
        "sin" => "sin",
        "cos" => "cos",
        "tan" => "tan",
        "asin" => "asin",
        "acos" => "acos",
        "atan" => "atan",
        "sinh" => "sinh",
        "cosh" => "cosh",
        "tanh" => "tanh",
        "atan2" => "atan2",
        "pow" => "power",
        _ => return None,
    })
}

/// Sort keys as numbers that sort ascending: a descending key negated.
pub(crate) fn ascending_keys(keys: &[(String, bool)]) -> Vec<String> {
    keys.iter()
        .map(|(key, descending)| {
            if *descending {
                format!("-({key})")
            } else {
                key.clone()
            }
        })
        .collect()
}

/// A piece of the replacement of a regex `replace`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Piece {
    /// Text written as it is.
    Text(String),
    /// The text a capture group matched, by number.
    Group(usize),
}

/// A replacement written for an engine: `escape` for each literal character, `group` for a
/// group reference.
pub(crate) fn write_replacement(
    pieces: &[Piece],
    escape: impl Fn(char) -> String,
    group: impl Fn(usize) -> String,
) -> String {
    pieces
        .iter()
        .map(|piece| match piece {
            Piece::Text(text) => text.chars().map(&escape).collect(),
            Piece::Group(number) => group(*number),
        })
        .collect()
}

/// The column of a line reader that holds the line.
pub(crate) const LINE: &str = "sumoql_line";

/// The hidden column that carries row order from stage to stage (input order, then the order
/// aggregation and `sort` give).
pub(crate) const ORDER: &str = "sumoql_row_order";

/// The column of a line reader that holds the name of the line's file.
pub(crate) const FILE: &str = "sumoql_file";

/// The longest line a reader that needs a bound takes (DuckDB's CSV reader), in bytes; a
/// longer line is the engine's error, not a silent cut.
pub(crate) const MAX_LINE_BYTES: usize = 64 << 20;

/// The `strftime` directives that differ between engines.
pub(crate) struct Directives {
    /// Milliseconds (three digits).
    pub millis: &'static str,
    /// Minutes (two digits).
    pub minutes: &'static str,
}

/// One piece of a Java `SimpleDateFormat` pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum JavaPatternPiece {
    /// A run of one pattern letter (`yyyy` is `('y', 4)`).
    Field(char, usize),
    /// Text written as it is: quoted (`'T'`, `''` for a quote) or not a letter.
    Literal(String),
}

/// The pieces of a Java date pattern, in order; `None` when a quote is not closed.
pub(crate) fn java_pattern_pieces(pattern: &str) -> Option<Vec<JavaPatternPiece>> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut pieces = Vec::new();
    let mut index = 0;
    while index < chars.len() {
        let letter = chars[index];
        if letter == '\'' {
            let end = chars[index + 1..].iter().position(|c| *c == '\'')? + index + 1;
            let literal: String = if end == index + 1 {
                "'".to_string()
            } else {
                chars[index + 1..end].iter().collect()
            };
            pieces.push(JavaPatternPiece::Literal(literal));
            index = end + 1;
            continue;
        }
        let mut run = 1;
        while index + run < chars.len() && chars[index + run] == letter {
            run += 1;
        }
        pieces.push(if letter.is_ascii_alphabetic() {
            JavaPatternPiece::Field(letter, run)
        } else {
            JavaPatternPiece::Literal(letter.to_string().repeat(run))
        });
        index += run;
    }
    Some(pieces)
}

/// Translates a Java `SimpleDateFormat` pattern to `strftime` directives, in the engine's
/// spelling of the `directives` that differ.
pub(crate) fn java_to_strftime(pattern: &str, directives: &Directives) -> Result<String, SqlError> {
    let unsupported = |what: String| {
        SqlError::new(
            format!("formatDate pattern {what}"),
            "it has no strftime equivalent in this dialect",
        )
    };
    let pieces =
        java_pattern_pieces(pattern).ok_or_else(|| unsupported("with an unclosed quote".into()))?;
    let mut out = String::new();
    for piece in pieces {
        let (letter, run) = match piece {
            JavaPatternPiece::Literal(text) => {
                out.push_str(&text.replace('%', "%%"));
                continue;
            }
            JavaPatternPiece::Field(letter, run) => (letter, run),
        };
        let directive = match (letter, run) {
            ('y', 2) => "%y",
            ('y', _) => "%Y",
            ('M', 2) => "%m",
            ('M', 3) => "%b",
            ('M', n) if n >= 4 => "%B",
            ('d', 2) => "%d",
            ('H', 2) => "%H",
            ('h', 2) => "%I",
            ('m', 2) => directives.minutes,
            ('s', 2) => "%S",
            ('S', 3) => directives.millis,
            ('a', _) => "%p",
            ('E', 3) => "%a",
            ('E', n) if n >= 4 => "%A",
            // The time is written in UTC, whose offset Java's `Z` writes as +0000.
            ('Z', _) => "+0000",
            _ => return Err(unsupported(format!("letter `{letter}`"))),
        };
        out.push_str(directive);
    }
    Ok(out)
}

/// A replacement for RE2's engines (DuckDB, ClickHouse): a backslash written twice, a group
/// as `\N`.
pub(crate) fn re2_replacement(pieces: &[Piece]) -> String {
    write_replacement(
        pieces,
        |c| {
            if c == '\\' {
                "\\\\".to_string()
            } else {
                c.to_string()
            }
        },
        |group| format!("\\{group}"),
    )
}

/// A regular expression matching `text` literally.
pub(crate) fn escape_regex(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The pattern with its named groups unnamed, as every engine reads it: Java names allow only
/// letters and digits (`src_ip` is refused), ClickHouse's RE2 does not take `(?<name>`, and
/// groups are read by number, which naming does not change.
pub(crate) fn unnamed_groups(pattern: &str) -> String {
    let mut out = String::new();
    let mut rest = pattern;
    while let Some(index) = rest.find("(?<") {
        let after = &rest[index + 3..];
        out.push_str(&rest[..index]);
        let escaped = rest[..index]
            .chars()
            .rev()
            .take_while(|c| *c == '\\')
            .count()
            % 2
            == 1;
        let name_end = after.find('>');
        match name_end {
            Some(end)
                if !escaped
                    && end > 0
                    && after[..end]
                        .chars()
                        .all(|c| c.is_alphanumeric() || c == '_') =>
            {
                out.push('(');
                rest = &after[end + 1..];
            }
            _ => {
                out.push_str("(?<");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_groups_lose_their_names_and_lookbehinds_stay() {
        assert_eq!(
            unnamed_groups(r"(?<src_ip>\d+) (?<=x)(?<!y) \(?<a>"),
            r"(\d+) (?<=x)(?<!y) \(?<a>"
        );
    }

    #[test]
    fn java_patterns_become_strftime() {
        let duckdb = Directives {
            millis: "%g",
            minutes: "%M",
        };
        assert_eq!(
            java_to_strftime("yyyy-MM-dd HH:mm:ss.SSS", &duckdb).unwrap(),
            "%Y-%m-%d %H:%M:%S.%g"
        );
        assert_eq!(java_to_strftime("'at' HH", &duckdb).unwrap(), "at %H");
        assert_eq!(java_to_strftime("Z", &duckdb).unwrap(), "+0000");
        assert!(java_to_strftime("z", &duckdb).is_err());
    }

    #[test]
    fn regex_escaping_is_literal() {
        assert_eq!(escape_regex("a.b*"), "a\\.b\\*");
    }
}
