//! `now()`.

use crate::prelude::*;

/// `now()`: the run's current time in epoch milliseconds.
#[derive(Debug)]
pub struct Now;

impl ScalarFunction for Now {
    fn name(&self) -> &'static str {
        "now"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(0)
    }

    fn doc(&self) -> &'static str {
        "Returns the current time as an integer of epoch milliseconds. The clock is read once \
         when the run starts, so every record of a run sees the same value."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!("isNull(now())", "false"),
            example!("isNull(formatDate(now(), \"yyyy-MM-dd\"))", "false"),
        ];
        EXAMPLES
    }

    fn is_pure(&self) -> bool {
        false
    }

    fn call(&self, _args: &[Value], ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        Ok(Value::Int(ctx.now_ms))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_run_clock() {
        let mut ctx = CallContext {
            now_ms: 1_709_547_302_123,
            ..CallContext::default()
        };
        assert_eq!(Now.call(&[], &mut ctx), Ok(Value::Int(1_709_547_302_123)));
        assert!(!Now.is_pure());
    }
}
