//! Scalar functions, one file each (or one small family per file).

use std::sync::Arc;

use crate::ScalarFunction;

mod cast;
mod conditional;
mod encoding;
mod format;
mod format_date;
mod hash;
mod hex;
mod ip;
mod ip_cidr;
mod is_numeric;
mod json_array;
mod luhn;
mod math;
mod now;
mod null_checks;
mod parse_date;
mod query_time;
mod replace;
mod substring;
mod text;
mod trig;

pub use cast::{Num, NumberFn, ToInt, ToLong, ToStringFn};
pub use conditional::If;
pub use encoding::{Base64Decode, Base64Encode, UrlDecode, UrlEncode};
pub use format::Format;
pub use format_date::FormatDate;
pub use hash::Hash;
pub use hex::{DecToHex, HexToAscii, HexToDec, ParseHex};
pub use ip::{IsPrivateIp, IsPublicIp, IsReservedIp, IsValidIp, IsValidIpv4, IsValidIpv6};
pub use ip_cidr::{CidrMatch, CompareCidrPrefix, GetCidrPrefix, Ipv4ToNumber, MaskFromCidr};
pub use is_numeric::IsNumeric;
pub use json_array::{JsonArrayContains, JsonArraySize};
pub use luhn::Luhn;
pub use math::{
    Abs, Ceil, FloatFunction, Floor, Hypot, IsInfinity, IsNan, Max, Min, Pow, Round, CBRT, EXP,
    EXPM1, LOG, LOG10, LOG1P, SQRT,
};
pub use now::Now;
pub use null_checks::{IsBlank, IsEmpty, IsNull};
pub use parse_date::ParseDate;
pub use query_time::{QueryEndTime, QueryStartTime, QueryTimeRange};
pub use replace::{RegexReplace, Replace};
pub use substring::Substring;
pub use text::{Concat, Contains, Length, ToLowerCase, ToUpperCase, Trim};
pub use trig::{
    Atan2, Haversine, ACOS, ASIN, ATAN, COS, COSH, SIN, SINH, TAN, TANH, TO_DEGREES, TO_RADIANS,
};

/// Every standard scalar function.
pub fn all() -> Vec<Arc<dyn ScalarFunction>> {
    vec![
        Arc::new(If),
        Arc::new(IsNull),
        Arc::new(IsEmpty),
        Arc::new(IsBlank),
        Arc::new(IsPrivateIp),
        Arc::new(IsPublicIp),
        Arc::new(IsReservedIp),
        Arc::new(IsValidIp),
        Arc::new(IsValidIpv4),
        Arc::new(IsValidIpv6),
        Arc::new(ToLong),
        Arc::new(ToInt),
        Arc::new(Num),
        Arc::new(NumberFn),
        Arc::new(ToStringFn),
        Arc::new(FormatDate),
        Arc::new(Now),
        Arc::new(Concat),
        Arc::new(Length),
        Arc::new(ToLowerCase),
        Arc::new(ToUpperCase),
        Arc::new(Contains),
        Arc::new(Abs),
        Arc::new(Ceil),
        Arc::new(Floor),
        Arc::new(Round),
        Arc::new(Min),
        Arc::new(Max),
        Arc::new(Pow),
        Arc::new(Hypot),
        Arc::new(IsNan),
        Arc::new(IsInfinity),
        Arc::new(SQRT),
        Arc::new(CBRT),
        Arc::new(EXP),
        Arc::new(EXPM1),
        Arc::new(LOG),
        Arc::new(LOG10),
        Arc::new(LOG1P),
        Arc::new(SIN),
        Arc::new(COS),
        Arc::new(TAN),
        Arc::new(ASIN),
        Arc::new(ACOS),
        Arc::new(ATAN),
        Arc::new(SINH),
        Arc::new(COSH),
        Arc::new(TANH),
        Arc::new(Atan2),
        Arc::new(TO_DEGREES),
        Arc::new(TO_RADIANS),
        Arc::new(Haversine),
        Arc::new(GetCidrPrefix),
        Arc::new(CompareCidrPrefix),
        Arc::new(MaskFromCidr),
        Arc::new(CidrMatch),
        Arc::new(Ipv4ToNumber),
        Arc::new(QueryStartTime),
        Arc::new(QueryEndTime),
        Arc::new(QueryTimeRange),
        Arc::new(ParseDate),
        Arc::new(Trim),
        Arc::new(Substring),
        Arc::new(Replace),
        Arc::new(Format),
        Arc::new(UrlEncode),
        Arc::new(UrlDecode),
        Arc::new(Base64Encode),
        Arc::new(Base64Decode),
        Arc::new(Hash),
        Arc::new(JsonArrayContains),
        Arc::new(JsonArraySize),
        Arc::new(HexToDec),
        Arc::new(ParseHex),
        Arc::new(DecToHex),
        Arc::new(HexToAscii),
        Arc::new(IsNumeric),
        Arc::new(Luhn),
    ]
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::all;

    // The examples themselves run through the real parser in the facade crate's
    // `function_examples` test; here, each function is checked for a unique name, a doc and
    // examples that call it.
    #[test]
    fn every_function_is_named_once_documented_and_exemplified() {
        let mut names = BTreeSet::new();
        for function in all() {
            let name = function.name();
            assert!(names.insert(name.to_ascii_lowercase()), "{name} twice");
            assert!(!function.doc().is_empty(), "{name} has no doc");
            let examples = function.examples();
            assert!(
                (2..=4).contains(&examples.len()),
                "{name} has {} examples",
                examples.len()
            );
            for example in examples {
                let expression = example.expression.to_ascii_lowercase();
                let call = format!("{}(", name.to_ascii_lowercase());
                assert!(
                    expression.contains(&call),
                    "{} does not call {name}",
                    example.expression
                );
            }
        }
    }
}
