//! Planning the lookups by IP address: `geoip`, and `lookup` from `geo://location` or
//! `asn://default`. The database is opened here, so a missing or unreadable one is an error
//! at the query, which says how to name it.

use std::sync::Arc;

use sumoql_syntax::ast::Name;
use sumoql_syntax::{codes, did_you_mean, Diagnostic, Span, Spanned};

use super::Planner;
use crate::ip_lookup::{IpDatabase, IpDatabaseKind, IpLookup};
use crate::plan::RowOperator;

/// The database a `lookup` path names: `geo://location` or `asn://default`.
pub(super) fn ip_database_of(path: &str) -> Option<IpDatabaseKind> {
    match path.to_ascii_lowercase().as_str() {
        "geo://location" => Some(IpDatabaseKind::Geo),
        "asn://default" => Some(IpDatabaseKind::Asn),
        _ => None,
    }
}

impl Planner<'_> {
    /// `geoip FIELD [OPTIONAL…]`: the default fields, then the optional ones named.
    pub(super) fn geoip(&mut self, field: &Name, optional: &[Name]) -> Option<RowOperator> {
        let mut wanted: Vec<(String, String, Span)> = IpDatabaseKind::Geo
            .default_fields()
            .iter()
            .map(|name| (name.to_string(), name.to_string(), field.span))
            .collect();
        for name in optional {
            wanted.push((name.node.to_ascii_lowercase(), name.node.clone(), name.span));
        }
        self.ip_lookup(IpDatabaseKind::Geo, field, wanted, field.span)
    }

    /// `lookup a [as x], … from geo://location|asn://default on ip=FIELD` (or `FIELD=ip`);
    /// `*` asks for the database's main fields.
    pub(super) fn ip_table_lookup(
        &mut self,
        outputs: &[(Name, Option<Name>)],
        path: &Spanned<String>,
        on: &[(Name, Name)],
    ) -> Option<RowOperator> {
        let kind = ip_database_of(&path.node)?;
        let field = match on {
            [(left, right)] if left.node.eq_ignore_ascii_case("ip") => right,
            [(left, right)] if right.node.eq_ignore_ascii_case("ip") => left,
            _ => {
                let span = match (on.first(), on.last()) {
                    (Some(first), Some(last)) => Span::new(first.0.span.start, last.1.span.end),
                    _ => path.span,
                };
                self.errors.push(
                    Diagnostic::error(
                        codes::LOOKUP_TABLE,
                        format!(
                            "a lookup from {} matches one field with `ip`, as in `on ip=src_ip`",
                            path.node
                        ),
                        span,
                    )
                    .with_label("expected `ip=FIELD`"),
                );
                return None;
            }
        };
        let mut wanted = Vec::new();
        for (column, alias) in outputs {
            if column.node == "*" {
                wanted.extend(
                    kind.default_fields()
                        .iter()
                        .map(|n| (n.to_string(), n.to_string(), column.span)),
                );
                continue;
            }
            let output = alias.as_ref().unwrap_or(column);
            wanted.push((
                column.node.to_ascii_lowercase(),
                output.node.clone(),
                column.span,
            ));
        }
        self.ip_lookup(kind, field, wanted, path.span)
    }

    /// Opens the database of `kind` and resolves each wanted (database field, output field,
    /// span) against it.
    fn ip_lookup(
        &mut self,
        kind: IpDatabaseKind,
        ip: &Name,
        wanted: Vec<(String, String, Span)>,
        span: Span,
    ) -> Option<RowOperator> {
        let ip_slot = self.read_field(&ip.node, ip.span);
        let mut outputs = Vec::new();
        let mut ok = true;
        for (field, output, field_span) in wanted {
            if !kind.fields().contains(&field.as_str()) {
                let mut error = Diagnostic::error(
                    codes::LOOKUP_TABLE,
                    format!(
                        "the {kind:?} database has no field `{field}`; its fields are {}",
                        kind.fields().join(", ")
                    ),
                    field_span,
                )
                .with_label("no such field");
                if let Some(suggestion) = did_you_mean(&field, kind.fields().iter().copied()) {
                    error = error.with_note(format!("help: did you mean `{suggestion}`?"));
                }
                self.errors.push(error);
                ok = false;
                continue;
            }
            outputs.push((field, self.write_field(&output)));
        }
        let Some(file) = self.context.ip_database(kind) else {
            self.errors.push(
                Diagnostic::error(
                    codes::LOOKUP_TABLE,
                    format!("this lookup needs a {kind:?} database, and none is named"),
                    span,
                )
                .with_label("no database")
                .with_note(kind.how_to_configure()),
            );
            return None;
        };
        let database = match IpDatabase::open(kind, file) {
            Ok(database) => database,
            Err(why) => {
                self.errors.push(
                    Diagnostic::error(codes::LOOKUP_TABLE, why, span)
                        .with_label("this lookup")
                        .with_note(kind.how_to_configure()),
                );
                return None;
            }
        };
        ok.then(|| {
            RowOperator::IpLookup(IpLookup {
                database: Arc::new(database),
                ip: ip_slot,
                outputs,
            })
        })
    }
}
