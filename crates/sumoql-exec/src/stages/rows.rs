//! The stages of the row operators, one file each, and the shared grouping helper.

mod bin;
mod dedup;
mod fill_missing;
mod ip_lookup;
mod log_reduce;
mod lookup;
mod outlier;
mod save;
mod sequence;
mod table;
mod threat;
mod timeslice;
mod top;
mod transpose;

use std::sync::Arc;

use sumoql_plan::RowOperator;
use sumoql_value::{GroupKey, Record, Schema, SlotId};

use super::Stage;

/// The stage that runs `operator` over records `width` slots wide.
pub(crate) fn row_stage(operator: &RowOperator, schema: &Schema) -> Box<dyn Stage> {
    let width = schema.len();
    match operator {
        RowOperator::Timeslice {
            time,
            output,
            end,
            width_ms,
        } => Box::new(timeslice::TimesliceStage::new(
            *time, *output, *end, *width_ms,
        )),
        RowOperator::Top {
            limit,
            ranked,
            by,
            rank,
        } => Box::new(top::TopStage::new(
            *limit,
            ranked.clone(),
            by.clone(),
            *rank,
        )),
        RowOperator::Dedup {
            consecutive,
            limit,
            by,
        } => Box::new(dedup::DedupStage::new(*consecutive, *limit, by.clone())),
        RowOperator::Sequence {
            kind,
            field,
            shift,
            output,
            by,
        } => Box::new(sequence::SequenceStage::new(
            *kind,
            *field,
            *shift,
            *output,
            by.clone(),
        )),
        RowOperator::Outlier(spec) => Box::new(outlier::OutlierStage::new(spec.clone())),
        RowOperator::Lookup(table) => Box::new(lookup::LookupStage::new(Arc::clone(table))),
        RowOperator::Bin(spec) => Box::new(bin::BinStage::new(spec.clone())),
        RowOperator::Table(table) => Box::new(table::TableStage::new(Arc::clone(table), width)),
        RowOperator::IpLookup(lookup) => Box::new(ip_lookup::IpLookupStage::new(lookup.clone())),
        RowOperator::LogReduce(spec) => {
            Box::new(log_reduce::LogReduceStage::new(spec.clone(), width))
        }
        RowOperator::Threat(lookup) => Box::new(threat::ThreatStage::new(lookup.clone())),
        RowOperator::Save(table) => Box::new(save::SaveStage::new(table.clone(), schema)),
        RowOperator::FillMissing {
            keys,
            values,
            defaults,
            empty,
        } => Box::new(fill_missing::FillMissingStage::new(
            keys.clone(),
            values.clone(),
            defaults,
            empty,
            width,
        )),
        RowOperator::Transpose { row, column, value } => Box::new(transpose::TransposeStage::new(
            row.clone(),
            column.clone(),
            *value,
            width,
        )),
    }
}

/// The values of `slots` in `record`, as a group key.
fn key_of(record: &Record, slots: &[SlotId]) -> GroupKey {
    GroupKey(slots.iter().map(|&slot| record.get(slot).clone()).collect())
}
