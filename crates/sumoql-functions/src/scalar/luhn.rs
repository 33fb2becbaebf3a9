//! `luhn(x)`: whether the digits of a text pass Luhn's check, as card numbers do.

use super::text::with_text;
use crate::prelude::*;

/// Whether the decimal digits of `text` (every other character ignored) pass Luhn's check:
/// from the right, every second digit doubled (less 9 when over 9), the sum a multiple of 10.
/// Text without a digit does not.
fn passes_luhn(text: &str) -> bool {
    let mut sum = 0;
    let mut digits = 0;
    for (position, digit) in text
        .chars()
        .rev()
        .filter_map(|c| c.to_digit(10))
        .enumerate()
    {
        let value = if position % 2 == 1 {
            let doubled = digit * 2;
            if doubled > 9 {
                doubled - 9
            } else {
                doubled
            }
        } else {
            digit
        };
        sum += value;
        digits += 1;
    }
    digits > 0 && sum % 10 == 0
}

/// `luhn(x)`: whether `x` may be a card number.
#[derive(Debug)]
pub struct Luhn;

impl ScalarFunction for Luhn {
    fn name(&self) -> &'static str {
        "luhn"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(1)
    }

    fn doc(&self) -> &'static str {
        "Returns true when the decimal digits of the value's text form pass Luhn's check, the \
         checksum of card numbers: every character that is not a digit is dropped first, so \
         \"6666-7777-6666-8888\" and \"6666 7777 6666 8888\" read alike. How many digits there \
         are is not checked; text without a digit gives false. Null gives null."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!("luhn(\"6666-7777-6666-8888\")", "true"),
            example!("luhn(\"4111 1111 1111 1112\")", "false"),
            example!("luhn(\"no digits\")", "false"),
            example!("luhn(null)", "null"),
        ];
        EXAMPLES
    }

    fn call(&self, args: &[Value], _ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        Ok(with_text(&args[0], |text| Value::Bool(passes_luhn(text))))
    }
}

#[cfg(test)]
mod tests {
    use super::passes_luhn;

    #[test]
    fn luhn_doubles_every_second_digit_from_the_right() {
        assert!(passes_luhn("4111111111111111"));
        assert!(passes_luhn("79927398713"));
        assert!(!passes_luhn("79927398710"));
        assert!(passes_luhn("0"));
        assert!(!passes_luhn(""));
        assert!(passes_luhn("card: 4111-1111-1111-1111."));
    }
}
