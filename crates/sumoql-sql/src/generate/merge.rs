//! `merge` in SQL: the rows reduced to one, oldest first as the native stage takes them
//! (`_messageTime` ascending, a row without one first, equal times in row order), each field
//! by its strategy over its non-null values; no row when there are none.

use sumoql_plan::{Merge, MergeSpec, MergeStrategy};

use sumoql_value::SlotId;

use super::Generator;
use crate::dialect::ORDER;
use crate::expr::{Kind, Sql};
use crate::SqlError;

/// The prefix of the hidden columns that number each row among the rows of the same text of a
/// `takeDistinct` field, oldest first: the first of each text is 1.
const DISTINCT: &str = "sumoql_distinct";

/// The hidden column that counts the rows merged.
const MERGED: &str = "sumoql_merged";

impl Generator<'_> {
    /// `merge`: a stage that numbers the rows of each distinct text (for `takeDistinct`), one
    /// that aggregates every row, and one that keeps its row when there were rows. With
    /// `groups` (fields whose values are the same in each group, the first numbering the groups
    /// from 1), each group's rows are merged apart and keep those fields, in group order.
    pub(super) fn merge(&mut self, merge: &Merge, groups: &[SlotId]) -> Result<(), SqlError> {
        let group_names: Vec<String> = groups.iter().map(|slot| self.name(*slot)).collect();
        let within = match group_names.first() {
            Some(number) => format!("{number}, "),
            None => String::new(),
        };
        let keys = self.merge_order(merge)?;
        let distinct: Vec<(usize, &MergeSpec)> = merge
            .fields
            .iter()
            .enumerate()
            .filter(|(_, field)| field.strategy == MergeStrategy::TakeDistinct)
            .collect();
        if !distinct.is_empty() {
            let writer = self.writer();
            let mut select: Vec<String> = self.columns.iter().map(|s| self.name(*s)).collect();
            select.push(ORDER.to_string());
            for (index, field) in &distinct {
                let text = writer.exact_text(
                    "merge takeDistinct",
                    &self.present_column(&writer, field.source),
                )?;
                select.push(format!(
                    "ROW_NUMBER() OVER (PARTITION BY {within}{text} ORDER BY {}) AS {DISTINCT}{index}",
                    keys.join(", ")
                ));
            }
            let previous = self.previous();
            self.stages
                .push(format!("SELECT {} FROM {previous}", select.join(", ")));
        }
        let writer = self.writer();
        let ascending: Vec<(String, bool)> = keys.iter().map(|key| (key.clone(), false)).collect();
        let descending: Vec<(String, bool)> = keys.iter().map(|key| (key.clone(), true)).collect();
        let mut select = Vec::new();
        let mut outputs = Vec::new();
        for (index, field) in merge.fields.iter().enumerate() {
            let value = self.present_column(&writer, field.source);
            let present = format!("{} IS NOT NULL", value.text);
            let merged = match &field.strategy {
                MergeStrategy::TakeFirst => Sql::new(
                    self.dialect.first_by(&value.text, &ascending, &present),
                    value.kind,
                ),
                MergeStrategy::TakeLast => Sql::new(
                    self.dialect.first_by(&value.text, &descending, &present),
                    value.kind,
                ),
                MergeStrategy::TakeDistinct => Sql::new(
                    self.dialect.ordered_join(
                        &writer.exact_text("merge takeDistinct", &value)?,
                        &keys,
                        &format!("{present} AND {DISTINCT}{index} = 1"),
                        &self.dialect.string("\n"),
                    ),
                    Kind::Text,
                ),
                MergeStrategy::Join(separator) => Sql::new(
                    self.dialect.ordered_join(
                        &writer.exact_text("merge join", &value)?,
                        &keys,
                        &present,
                        &self.dialect.string(separator),
                    ),
                    Kind::Text,
                ),
            };
            select.push(format!("{} AS {}", merged.text, self.name(field.output)));
            let non_finite = merged.kind == Kind::Float && self.non_finite.contains(&field.source);
            outputs.push((field.output, merged.kind, non_finite));
        }
        for name in &group_names {
            select.push(format!("MIN({name}) AS {name}"));
        }
        let (order, grouping) = match group_names.first() {
            Some(number) => (
                format!("CAST(MIN({number}) AS BIGINT)"),
                format!(" GROUP BY {number}"),
            ),
            None => ("CAST(1 AS BIGINT)".to_string(), String::new()),
        };
        let previous = self.previous();
        self.stages.push(format!(
            "SELECT {}, COUNT(*) AS {MERGED}, {order} AS {ORDER} FROM {previous}{grouping}",
            select.join(", ")
        ));
        self.columns = Vec::new();
        for (slot, kind, non_finite) in outputs {
            if !self.columns.contains(&slot) {
                self.columns.push(slot);
            }
            self.kinds.insert(slot, kind);
            self.note_non_finite(slot, non_finite);
        }
        for slot in groups {
            if !self.columns.contains(slot) {
                self.columns.push(*slot);
            }
        }
        let names: Vec<String> = self.columns.iter().map(|s| self.name(*s)).collect();
        let previous = self.previous();
        self.stages.push(format!(
            "SELECT {}, {ORDER} FROM {previous} WHERE {MERGED} > 0",
            names.join(", ")
        ));
        Ok(())
    }

    /// The keys that sort the rows oldest first, each ascending and never null: whether the
    /// row has a time, its time (a text column's number, as a table holds it), its row order.
    fn merge_order(&self, merge: &Merge) -> Result<Vec<String>, SqlError> {
        let writer = self.writer();
        let time = self.present_column(&writer, merge.time);
        if matches!(time.kind, Kind::Bool | Kind::List) {
            return Err(SqlError::new(
                "merge after _messageTime is set to a boolean or a list",
                "the records are taken in time order, and the order of such values (D18) has no portable SQL form",
            ));
        }
        let time = writer.number(&time).text;
        Ok(vec![
            format!("(CASE WHEN {time} IS NULL THEN 0 ELSE 1 END)"),
            format!("COALESCE({time}, 0)"),
            ORDER.to_string(),
        ])
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::table_sql;
    use crate::Dialect;

    #[test]
    fn merge_joins_oldest_first_and_keeps_no_row_of_no_rows() {
        let sql = table_sql("* | merge", Dialect::DuckDb);
        assert!(
            sql.contains("string_agg(\"_raw\", '\n' ORDER BY (CASE WHEN (CASE WHEN")
                && sql.contains("sumoql_row_order) FILTER (WHERE \"_raw\" IS NOT NULL)")
                && sql.contains("WHERE sumoql_merged > 0"),
            "{sql}"
        );
        let distinct = table_sql("* | merge host takeDistinct", Dialect::Spark);
        assert!(
            distinct.contains("ROW_NUMBER() OVER (PARTITION BY `host` ORDER BY")
                && distinct.contains("AND sumoql_distinct0 = 1"),
            "{distinct}"
        );
        let spark = table_sql("* | merge", Dialect::Spark);
        assert!(
            spark.contains(
                "array_join(transform(array_sort(collect_list(named_struct('sumoql_key0', "
            ) && spark.contains("'sumoql_text', `_raw`)) FILTER (WHERE `_raw` IS NOT NULL))"),
            "{spark}"
        );
        let clickhouse = table_sql("* | merge", Dialect::ClickHouse);
        assert!(
            clickhouse.contains("arrayStringConcat(arrayMap(sumoql_item -> assumeNotNull(tupleElement(sumoql_item, 4)), arraySort(groupArrayIf(tuple("),
            "{clickhouse}"
        );
        let last = table_sql("* | merge host takeLast", Dialect::ClickHouse);
        assert!(last.contains("argMaxIf(`host`, tuple("), "{last}");
    }
}
