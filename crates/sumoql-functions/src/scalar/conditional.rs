//! `if(condition, then, else)`.

use crate::prelude::*;

/// `if(c, a, b)`: `a` when `c` is true, otherwise `b`.
#[derive(Debug)]
pub struct If;

impl ScalarFunction for If {
    fn name(&self) -> &'static str {
        "if"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(3)
    }

    fn doc(&self) -> &'static str {
        "Returns the second argument when the first is true (the boolean `true` or the text \
         \"true\" in any letter case), and the third otherwise: a false, null or non-boolean \
         condition gives the third argument. Both branches are evaluated before the call; only \
         the chosen value is returned."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!("if(true, \"yes\", \"no\")", "\"yes\""),
            example!("if(\"TRUE\", 1, 2)", "1"),
            example!("if(null, \"yes\", \"no\")", "\"no\""),
            example!(
                "if(isPrivateIP(\"10.0.0.1\"), \"internal\", \"external\")",
                "\"internal\""
            ),
        ];
        EXAMPLES
    }

    fn call(&self, args: &[Value], _ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        let chosen = if args[0].truth() == Some(true) {
            &args[1]
        } else {
            &args[2]
        };
        Ok(chosen.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(args: &[Value]) -> Value {
        If.call(args, &mut CallContext::default()).unwrap()
    }

    #[test]
    fn only_a_true_condition_picks_the_first_branch() {
        let (a, b) = (Value::text("a"), Value::text("b"));
        assert_eq!(call(&[Value::Bool(true), a.clone(), b.clone()]), a);
        assert_eq!(call(&[Value::text("True"), a.clone(), b.clone()]), a);
        assert_eq!(call(&[Value::Bool(false), a.clone(), b.clone()]), b);
        assert_eq!(call(&[Value::Null, a.clone(), b.clone()]), b);
        assert_eq!(call(&[Value::Int(1), a.clone(), b.clone()]), b);
        assert_eq!(call(&[Value::text("yes"), a, b.clone()]), b);
    }
}
