//! Planning `threatip` and `threatlookup`: the indicator file is read here, so a missing or
//! unreadable one is an error at the query, which says how to name it.

use std::sync::Arc;

use sumoql_syntax::ast::Name;
use sumoql_syntax::{codes, Diagnostic, Spanned};

use super::Planner;
use crate::plan::RowOperator;
use crate::threat_intel::{ThreatField, ThreatIntel, ThreatLookup, ThreatMode, THREAT_INTEL_HELP};

impl Planner<'_> {
    /// `threatip FIELD`: `actor`, `malicious_confidence`, `raw_threat` and `type`.
    pub(super) fn threat_ip(&mut self, field: &Name) -> Option<RowOperator> {
        let outputs = ThreatField::THREATIP
            .iter()
            .map(|&f| (f, self.write_field(f.name())))
            .collect();
        self.threat(field, ThreatMode::Ip, outputs)
    }

    /// `threatlookup [singleIndicator] [source="S"] FIELD`: the `_threatlookup.*` fields
    /// (`num_matches` only with `singleIndicator`).
    pub(super) fn threat_lookup(
        &mut self,
        single: bool,
        source: Option<&Spanned<String>>,
        field: &Name,
    ) -> Option<RowOperator> {
        let outputs = ThreatField::THREATLOOKUP
            .iter()
            .filter(|&&f| single || f != ThreatField::NumMatches)
            .map(|&f| (f, self.write_field(&format!("_threatlookup.{}", f.name()))))
            .collect();
        let mode = ThreatMode::Lookup {
            single,
            source: source.map(|s| s.node.clone()),
        };
        self.threat(field, mode, outputs)
    }

    /// Opens the indicator file for a threat stage on `field`.
    fn threat(
        &mut self,
        field: &Name,
        mode: ThreatMode,
        outputs: Vec<(ThreatField, sumoql_value::SlotId)>,
    ) -> Option<RowOperator> {
        let slot = self.read_field(&field.node, field.span);
        let Some(file) = self.context.threat_intel.clone() else {
            self.errors.push(
                Diagnostic::error(
                    codes::LOOKUP_TABLE,
                    "this lookup needs threat intelligence, and no indicator file is named",
                    field.span,
                )
                .with_label("no indicator file")
                .with_note(THREAT_INTEL_HELP),
            );
            return None;
        };
        match ThreatIntel::open(&file) {
            Ok(intel) => Some(RowOperator::Threat(ThreatLookup {
                intel: Arc::new(intel),
                field: slot,
                mode,
                outputs,
            })),
            Err(why) => {
                self.errors.push(
                    Diagnostic::error(codes::LOOKUP_TABLE, why, field.span)
                        .with_label("this lookup")
                        .with_note(THREAT_INTEL_HELP),
                );
                None
            }
        }
    }
}
