//! Dates in a time zone, for `formatDate` and `parseDate` with a constant zone. A fixed offset
//! (or UTC) is a constant added or taken away, its zone letters written when the SQL is, as
//! sumoql writes them. A zone of the database takes its offset at each instant from the
//! engine's zone rules, which agree with sumoql's from 1900 on; before 1900 sumoql keeps a
//! zone's present standard offset (as Java's zone data does), where the engines use the
//! zone's local mean time.

use sumoql_functions::java_date::format_java_date;
use sumoql_plan::PlanExpr;
use sumoql_value::time::Zone;
use sumoql_value::Value;

use crate::dialect::{java_pattern_pieces, JavaPatternPiece};
use crate::expr::ExprWriter;
use crate::SqlError;

/// The pattern letters that write a zone: its name (`z`), an RFC 822 offset (`Z`) and an ISO
/// offset (`X`).
const ZONE_LETTERS: [char; 3] = ['z', 'Z', 'X'];

impl ExprWriter<'_> {
    /// The zone a date function's `arg` names, read as sumoql reads it (any letter case, an
    /// offset, an IANA name); UTC when there is none. Only a constant is translated.
    pub(crate) fn constant_zone(
        &self,
        construct: &str,
        arg: Option<&PlanExpr>,
    ) -> Result<Zone, SqlError> {
        let refuse = |why: &str| SqlError::new(construct.to_string(), why.to_string());
        match arg {
            None => Ok(Zone::utc()),
            Some(PlanExpr::Literal(Value::Text(name))) => {
                Zone::parse(name).map_err(|error| refuse(&error.to_string()))
            }
            Some(_) => Err(refuse("the zone must be a constant to translate it")),
        }
    }

    /// `millis` (epoch milliseconds) written in `zone` by the Java `pattern`: the wall clock
    /// is the instant moved by the zone's offset, written as UTC by the dialect; the zone
    /// letters are constants for a fixed offset and computed from the offset for a zone of
    /// the database (its name, `z`, is refused there).
    pub(crate) fn format_in_zone(
        &self,
        millis: &str,
        pattern: &str,
        zone: &Zone,
    ) -> Result<String, SqlError> {
        let unclosed = || {
            SqlError::new(
                "formatDate pattern with an unclosed quote",
                "it has no strftime equivalent in this dialect",
            )
        };
        let pieces = java_pattern_pieces(pattern).ok_or_else(unclosed)?;
        if let Some(offset) = zone.fixed_offset_seconds() {
            let mut written = Vec::new();
            for piece in pieces {
                written.push(match piece {
                    JavaPatternPiece::Field(letter, run) if ZONE_LETTERS.contains(&letter) => {
                        let letters = letter.to_string().repeat(run);
                        let text = format_java_date(0, &letters, zone).map_err(|error| {
                            SqlError::new(format!("formatDate pattern `{letters}`"), error.message)
                        })?;
                        JavaPatternPiece::Literal(text)
                    }
                    other => other,
                });
            }
            let local = format!("({millis} + {})", i64::from(offset) * 1000);
            return self.dialect.format_date(&local, &pattern_text(&written));
        }
        let name = zone.to_string();
        let offset = self.dialect.zone_offset_seconds(millis, &name);
        let local = format!("({millis} + {offset} * 1000)");
        let mut parts = Vec::new();
        let mut run: Vec<JavaPatternPiece> = Vec::new();
        for piece in pieces {
            let JavaPatternPiece::Field(letter, count) = piece else {
                run.push(piece);
                continue;
            };
            if !ZONE_LETTERS.contains(&letter) {
                run.push(JavaPatternPiece::Field(letter, count));
                continue;
            }
            if !run.is_empty() {
                parts.push(self.dialect.format_date(&local, &pattern_text(&run))?);
                run.clear();
            }
            parts.push(self.offset_text(&offset, letter, count)?);
        }
        if !run.is_empty() || parts.is_empty() {
            parts.push(self.dialect.format_date(&local, &pattern_text(&run))?);
        }
        Ok(format!("({})", parts.join(" || ")))
    }

    /// An offset in seconds (`offset`, SQL) as the zone letters `letter` × `count` write it:
    /// `Z` as `-0500`, `X` as `-05`, `XX` as `-0500` and `XXX` as `-05:00`, the `X` forms `Z`
    /// at zero.
    fn offset_text(&self, offset: &str, letter: char, count: usize) -> Result<String, SqlError> {
        let text = self.dialect.text_type();
        let minutes = format!("CAST(floor(abs({offset}) / 60) AS BIGINT)");
        let hours = format!("CAST(floor({minutes} / 60) AS BIGINT)");
        let two = |number: &str| format!("lpad(CAST({number} AS {text}), 2, '0')");
        let sign = format!("(CASE WHEN {offset} < 0 THEN '-' ELSE '+' END)");
        let (hh, mm) = (two(&hours), two(&format!("({minutes} - {hours} * 60)")));
        let iso = |digits: String| format!("(CASE WHEN {offset} = 0 THEN 'Z' ELSE {digits} END)");
        Ok(match (letter, count) {
            ('Z', _) => format!("({sign} || {hh} || {mm})"),
            ('X', 1) => iso(format!("{sign} || {hh}")),
            ('X', 2) => iso(format!("{sign} || {hh} || {mm}")),
            ('X', 3) => iso(format!("{sign} || {hh} || ':' || {mm}")),
            _ => {
                return Err(SqlError::new(
                    format!("formatDate pattern letter `{letter}` in a zone of the database"),
                    "the engines name zones otherwise than Java",
                ))
            }
        })
    }

    /// The instant (epoch milliseconds) at which `zone`'s clocks read `local` (a wall clock
    /// as epoch milliseconds), as [`Zone::instant_of_local`] finds it: the offsets a day
    /// either side are tried, the earlier fitting instant wins, and a skipped reading takes
    /// the offset before the jump.
    pub(crate) fn instant_of_local(&self, local: &str, zone: &Zone) -> String {
        if let Some(offset) = zone.fixed_offset_seconds() {
            return format!("({local} - {})", i64::from(offset) * 1000);
        }
        let name = zone.to_string();
        let offset_at = |millis: &str| self.dialect.zone_offset_seconds(millis, &name);
        const DAY: i64 = 86_400_000;
        let before = offset_at(&format!("({local} - {DAY})"));
        let after = offset_at(&format!("({local} + {DAY})"));
        let with_before = format!("({local} - {before} * 1000)");
        let with_after = format!("({local} - {after} * 1000)");
        let fits_before = format!("({} = {before})", offset_at(&with_before));
        let fits_after = format!("({} = {after})", offset_at(&with_after));
        format!(
            "(CASE WHEN {fits_before} AND {fits_after} THEN least({with_before}, {with_after}) \
             WHEN {fits_after} THEN {with_after} ELSE {with_before} END)"
        )
    }
}

/// A Java date pattern that [`java_pattern_pieces`] reads back as `pieces`: each literal with
/// a letter quoted, its quotes doubled outside the quoted runs.
fn pattern_text(pieces: &[JavaPatternPiece]) -> String {
    let mut pattern = String::new();
    for piece in pieces {
        match piece {
            JavaPatternPiece::Field(letter, count) => {
                pattern.push_str(&letter.to_string().repeat(*count))
            }
            // Text without letters or quotes stands for itself (Spark misreads a quoted run at
            // the end of a pattern).
            JavaPatternPiece::Literal(text)
                if !text.chars().any(|c| c.is_ascii_alphabetic() || c == '\'') =>
            {
                pattern.push_str(text)
            }
            JavaPatternPiece::Literal(text) => {
                for (index, part) in text.split('\'').enumerate() {
                    if index > 0 {
                        pattern.push_str("''");
                    }
                    if !part.is_empty() {
                        pattern.push('\'');
                        pattern.push_str(part);
                        pattern.push('\'');
                    }
                }
            }
        }
    }
    pattern
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pattern_written_from_its_pieces_reads_back_as_them() {
        for pattern in [
            "yyyy-MM-dd'T'HH:mm",
            "h 'o''clock' a",
            "''yy",
            "d MMM, yyyy",
        ] {
            let pieces = java_pattern_pieces(pattern).unwrap();
            let again = java_pattern_pieces(&pattern_text(&pieces)).unwrap();
            assert_eq!(again, pieces, "{pattern}");
        }
    }
}
