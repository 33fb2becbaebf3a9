//! Scalar functions, one file each (or one small family per file).

use std::sync::Arc;

use crate::ScalarFunction;

mod cast;
mod conditional;
mod format_date;
mod ip;
mod now;
mod null_checks;
mod text;

pub use cast::{Num, ToInt, ToLong, ToStringFn};
pub use conditional::If;
pub use format_date::FormatDate;
pub use ip::{IsPrivateIp, IsPublicIp, IsReservedIp, IsValidIp, IsValidIpv4, IsValidIpv6};
pub use now::Now;
pub use null_checks::{IsBlank, IsEmpty, IsNull};
pub use text::{Concat, Contains, Length, ToLowerCase, ToUpperCase};

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
        Arc::new(ToStringFn),
        Arc::new(FormatDate),
        Arc::new(Now),
        Arc::new(Concat),
        Arc::new(Length),
        Arc::new(ToLowerCase),
        Arc::new(ToUpperCase),
        Arc::new(Contains),
    ]
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use sumoql_value::{parse_number, Value};

    use super::all;
    use crate::{CallContext, RecordDropped, Registry};

    /// Evaluates the expression at the start of `src` and moves `src` past it. Examples are
    /// nested calls of literals (double-quoted strings with `\` escapes, numbers, `true`,
    /// `false`, `null`), so this small reader stands in for the real parser.
    fn eval(
        src: &mut &str,
        registry: &Registry,
        ctx: &mut CallContext,
    ) -> Result<Value, RecordDropped> {
        *src = src.trim_start();
        if let Some(body) = src.strip_prefix('"') {
            let mut text = String::new();
            let mut chars = body.char_indices();
            while let Some((i, c)) = chars.next() {
                match c {
                    '"' => {
                        *src = &body[i + 1..];
                        return Ok(Value::text(text));
                    }
                    '\\' => text.push(chars.next().expect("an escaped character").1),
                    c => text.push(c),
                }
            }
            panic!("unterminated string");
        }
        let end = src
            .find(|c: char| !(c.is_alphanumeric() || "_.-".contains(c)))
            .unwrap_or(src.len());
        let (word, rest) = src.split_at(end);
        *src = rest.trim_start();
        let Some(after_paren) = src.strip_prefix('(') else {
            return Ok(match word {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                "null" => Value::Null,
                number => Value::from_number(parse_number(number).expect("a literal")),
            });
        };
        *src = after_paren;
        let mut args = Vec::new();
        loop {
            *src = src.trim_start();
            if let Some(after) = src.strip_prefix(')') {
                *src = after;
                break;
            }
            args.push(eval(src, registry, ctx)?);
            *src = src.trim_start();
            *src = src.strip_prefix(',').unwrap_or(src);
        }
        let function = registry
            .scalar(word)
            .unwrap_or_else(|| panic!("unknown function {word}"));
        assert!(
            function.signature().accepts(args.len()),
            "{word} given {} arguments",
            args.len()
        );
        let constants: Vec<_> = args.iter().cloned().map(Some).collect();
        function
            .check_constants(&constants)
            .expect("valid constants");
        function.call(&args, ctx)
    }

    #[test]
    fn every_example_gives_its_result() {
        let registry = Registry::standard();
        for function in all() {
            for example in function.examples() {
                let mut src = example.expression;
                let result = eval(&mut src, &registry, &mut CallContext::default());
                assert!(
                    src.trim().is_empty(),
                    "{}: trailing text",
                    example.expression
                );
                let json = match result {
                    Ok(value) => {
                        let mut json = String::new();
                        value.write_json(&mut json);
                        json
                    }
                    Err(_) => "drop".to_string(),
                };
                assert_eq!(
                    json, example.result,
                    "{} ({}:{})",
                    example.expression, example.file, example.line
                );
            }
        }
    }

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
