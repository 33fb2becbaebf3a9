//! `replace(text, target, replacement)` and `replace(text, /regex/, replacement)`.

use regex::{Captures, Regex};

use crate::prelude::*;

/// `replace(text, target, replacement)`: every occurrence of `target` replaced.
#[derive(Debug)]
pub struct Replace;

impl ScalarFunction for Replace {
    fn name(&self) -> &'static str {
        "replace"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(3)
    }

    fn doc(&self) -> &'static str {
        "Returns the text form of the first argument with every occurrence of the second \
         argument's text replaced by the third's, left to right without overlaps and \
         case-sensitively; text without the target comes back unchanged, and an empty target \
         inserts the replacement around every character. With a regular expression literal \
         (RE2 syntax between slashes, `\\/` for a slash) as the second argument, every match is \
         replaced, and the replacement may name capture groups as in Java: `$1` (as many digits \
         as make a group), `${name}`, and `\\$` for a dollar sign. Null in any argument gives \
         null, and so does a replacement naming a group the regex lacks; an invalid literal \
         regex or replacement is reported before the query runs."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!("replace(\"a.b.c\", \".\", \"\")", "\"abc\""),
            example!(
                "replace(\"flight/12345\", /(?<kind>[a-z]+)\\/(\\d+)/, \"$2-${kind}\")",
                "\"12345-flight\""
            ),
            example!("replace(\"a1b22\", /\\d/, \"#\")", "\"a#b##\""),
            example!("replace(\"abc\", null, \"x\")", "null"),
        ];
        EXAMPLES
    }

    fn call(&self, args: &[Value], _ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        let (Some(text), Some(target), Some(replacement)) =
            (args[0].to_text(), args[1].to_text(), args[2].to_text())
        else {
            return Ok(Value::Null);
        };
        Ok(Value::text(text.replace(&*target, &replacement)))
    }

    fn with_regex(
        &self,
        index: usize,
        pattern: &str,
    ) -> Option<Result<Arc<dyn ScalarFunction>, String>> {
        (index == 1).then(|| {
            Regex::new(pattern)
                .map(|regex| Arc::new(RegexReplace { regex }) as Arc<dyn ScalarFunction>)
                .map_err(|error| format!("invalid regular expression: {}", regex_problem(&error)))
        })
    }
}

/// The one-line reason of a regex error: the syntax error's last line (its caret drawing
/// dropped, since the diagnostic points at the literal), or the whole message.
fn regex_problem(error: &regex::Error) -> String {
    let message = error.to_string();
    let last = message.lines().last().unwrap_or_default();
    last.strip_prefix("error: ").unwrap_or(last).to_string()
}

/// A piece of a replacement: literal text or a capture group.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Piece {
    /// Text copied as it is.
    Text(String),
    /// The text a capture group matched (empty when it did not take part).
    Group(usize),
}

/// A replacement in Java's syntax, resolved against `regex`'s groups: `$n` takes as many digits
/// as still name a group, `${name}` a named group, and a backslash escapes the next character.
fn compile_replacement(replacement: &str, regex: &Regex) -> Result<Vec<Piece>, String> {
    let groups = regex.captures_len() - 1;
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut chars = replacement.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(escaped) => text.push(escaped),
                None => return Err("the replacement ends with a lone `\\`".to_string()),
            },
            '$' => {
                let group = if chars.next_if_eq(&'{').is_some() {
                    let name: String = chars.by_ref().take_while(|&c| c != '}').collect();
                    regex
                        .capture_names()
                        .position(|candidate| candidate == Some(name.as_str()))
                        .ok_or_else(|| format!("the regex has no group named `{name}`"))?
                } else {
                    let Some(first) = chars.next().and_then(|c| c.to_digit(10)) else {
                        return Err("`$` must be followed by a group number or `{name}` \
                                    (write `\\$` for a dollar sign)"
                            .to_string());
                    };
                    let mut group = first as usize;
                    if group > groups {
                        return Err(format!("the regex has no group {group}"));
                    }
                    while let Some(digit) = chars.peek().and_then(|c| c.to_digit(10)) {
                        let longer = group * 10 + digit as usize;
                        if longer > groups {
                            break;
                        }
                        group = longer;
                        chars.next();
                    }
                    group
                };
                if !text.is_empty() {
                    pieces.push(Piece::Text(std::mem::take(&mut text)));
                }
                pieces.push(Piece::Group(group));
            }
            c => text.push(c),
        }
    }
    if !text.is_empty() {
        pieces.push(Piece::Text(text));
    }
    Ok(pieces)
}

/// `replace(text, /regex/, replacement)`: every match of a regular expression replaced; the
/// form [`Replace`] takes when its second argument is a regex literal.
#[derive(Debug)]
pub struct RegexReplace {
    regex: Regex,
}

impl ScalarFunction for RegexReplace {
    fn name(&self) -> &'static str {
        Replace.name()
    }

    fn signature(&self) -> Signature {
        Replace.signature()
    }

    fn doc(&self) -> &'static str {
        Replace.doc()
    }

    fn examples(&self) -> &'static [Example] {
        Replace.examples()
    }

    fn check_constants(&self, constants: &[Option<Value>]) -> Result<(), (usize, String)> {
        match constants
            .get(2)
            .and_then(Option::as_ref)
            .and_then(Value::to_text)
        {
            Some(replacement) => compile_replacement(&replacement, &self.regex)
                .map(|_| ())
                .map_err(|message| (2, message)),
            None => Ok(()),
        }
    }

    fn call(&self, args: &[Value], _ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        let (Some(text), Some(replacement)) = (args[0].to_text(), args[2].to_text()) else {
            return Ok(Value::Null);
        };
        if args[1].is_null() {
            return Ok(Value::Null);
        }
        let Ok(pieces) = compile_replacement(&replacement, &self.regex) else {
            return Ok(Value::Null);
        };
        let replaced = self.regex.replace_all(&text, |captures: &Captures<'_>| {
            let mut out = String::new();
            for piece in &pieces {
                match piece {
                    Piece::Text(text) => out.push_str(text),
                    Piece::Group(group) => {
                        out.push_str(captures.get(*group).map_or("", |m| m.as_str()));
                    }
                }
            }
            out
        });
        Ok(Value::text(replaced))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn regex_replace(pattern: &str, text: &str, replacement: &str) -> Value {
        let function = Replace.with_regex(1, pattern).unwrap().unwrap();
        let args = [
            Value::text(text),
            Value::text(pattern),
            Value::text(replacement),
        ];
        function.call(&args, &mut CallContext::default()).unwrap()
    }

    #[test]
    fn regex_replacements_follow_java() {
        assert_eq!(regex_replace("o", "foo", "0"), Value::text("f00"));
        assert_eq!(regex_replace("(a)(b)", "ab", "$2$1"), Value::text("ba"));
        assert_eq!(regex_replace("(a)", "a", "$12"), Value::text("a2"));
        assert_eq!(regex_replace("(a)", "a", "\\$1"), Value::text("$1"));
        assert_eq!(regex_replace("(a)|(b)", "b", "[$1]"), Value::text("[]"));
        assert_eq!(regex_replace("x", "abc", "y"), Value::text("abc"));
        assert_eq!(
            regex_replace("(?<n>\\d+)", "a12", "<${n}>"),
            Value::text("a<12>")
        );
        assert_eq!(regex_replace("a", "a", "$1"), Value::Null);
    }

    #[test]
    fn regexes_and_replacements_are_checked() {
        assert!(Replace.with_regex(0, "a").is_none());
        assert_eq!(
            Replace.with_regex(1, "(a").map(|result| result.err()),
            Some(Some(
                "invalid regular expression: unclosed group".to_string()
            ))
        );
        let function = Replace.with_regex(1, "(?<word>a)").unwrap().unwrap();
        let check = |replacement: &str| {
            function.check_constants(&[None, None, Some(Value::text(replacement))])
        };
        assert_eq!(check("${word} $1 \\$ x"), Ok(()));
        for bad in ["$", "$2", "${other}", "$x", "\\"] {
            assert!(check(bad).is_err(), "{bad}");
        }
    }

    fn replace(text: Value, target: Value, replacement: Value) -> Value {
        Replace
            .call(&[text, target, replacement], &mut CallContext::default())
            .unwrap()
    }

    #[test]
    fn replaces_every_occurrence_of_text() {
        assert_eq!(
            replace(Value::text("aaa"), Value::text("aa"), Value::text("b")),
            Value::text("ba")
        );
        assert_eq!(
            replace(Value::Int(1001), Value::Int(0), Value::text("-")),
            Value::text("1--1")
        );
        assert_eq!(
            replace(Value::text("ab"), Value::text(""), Value::text("|")),
            Value::text("|a|b|")
        );
        assert_eq!(
            replace(Value::text("a.*b"), Value::text(".*"), Value::text("$1")),
            Value::text("a$1b")
        );
        assert_eq!(
            replace(Value::Null, Value::text("a"), Value::text("b")),
            Value::Null
        );
        assert_eq!(
            replace(Value::text("a"), Value::text("a"), Value::Null),
            Value::Null
        );
    }
}
