//! `geoip` and the `geo://` and `asn://` lookups: fields from the database record of an IP
//! address.

use sumoql_functions::CallContext;
use sumoql_plan::IpLookup;
use sumoql_value::{Record, Value};

use crate::stages::Stage;

/// Sets each output field from the record of the address in the IP field, or to null when
/// there is no address, no network for it, or no such field in its record.
pub(crate) struct IpLookupStage {
    lookup: IpLookup,
}

impl IpLookupStage {
    pub(crate) fn new(lookup: IpLookup) -> IpLookupStage {
        IpLookupStage { lookup }
    }
}

impl Stage for IpLookupStage {
    fn push(&mut self, mut record: Record, out: &mut Vec<Record>, _ctx: &mut CallContext) {
        let ip = record.get(self.lookup.ip).to_text().map(|t| t.into_owned());
        for (field, slot) in &self.lookup.outputs {
            let value = match &ip {
                Some(ip) => self.lookup.database.field(ip, field),
                None => Value::Null,
            };
            record.set(*slot, value);
        }
        out.push(record);
    }
}
