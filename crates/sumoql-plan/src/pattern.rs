//! Text patterns compiled at plan time: the right side of `matches`, and the anchors of `parse`.

use regex::Regex;
use sumoql_syntax::ast::MatchPattern;

/// The pattern of `x matches p`, compiled once. Both forms match the whole value,
/// case-sensitively: `"a*b"` with `*` as any run of characters, `/re/` as a regular expression.
///
/// ```
/// use sumoql_plan::TextPattern;
/// use sumoql_syntax::ast::MatchPattern;
/// let p = TextPattern::new(&MatchPattern::Wildcard("*Firefox*".into())).unwrap();
/// assert!(p.is_match("Mozilla/5.0 Firefox/120"));
/// assert!(!p.is_match("mozilla firefox"));
/// let r = TextPattern::new(&MatchPattern::Regex(r"\d+".into())).unwrap();
/// assert!(r.is_match("2024") && !r.is_match("v2024"));
/// ```
#[derive(Clone, Debug)]
pub struct TextPattern {
    /// The pattern as written.
    pub written: MatchPattern,
    regex: Regex,
}

impl TextPattern {
    /// Compiles `pattern`; the error is a one-line reason for an invalid regular expression.
    pub fn new(pattern: &MatchPattern) -> Result<TextPattern, String> {
        let source = match pattern {
            MatchPattern::Wildcard(text) => {
                let pieces: Vec<String> = text.split('*').map(regex::escape).collect();
                format!("(?s)^{}$", pieces.join(".*"))
            }
            MatchPattern::Regex(text) => {
                // Checked alone first, so a stray `)` cannot close the wrapping group.
                compile(text)?;
                format!("^(?:{text})$")
            }
        };
        let regex = compile(&source)?;
        Ok(TextPattern {
            written: pattern.clone(),
            regex,
        })
    }

    /// Whether the whole of `text` matches.
    pub fn is_match(&self, text: &str) -> bool {
        self.regex.is_match(text)
    }
}

/// Compiles a regular expression, turning the regex crate's multi-line report into one line.
pub(crate) fn compile(source: &str) -> Result<Regex, String> {
    Regex::new(source).map_err(|error| match error {
        regex::Error::Syntax(report) => {
            let reason = report
                .lines()
                .rev()
                .find_map(|line| line.trim().strip_prefix("error: "))
                .unwrap_or("it does not parse");
            format!("invalid regular expression: {reason}")
        }
        regex::Error::CompiledTooBig(_) => "the regular expression is too large".to_string(),
        _ => "invalid regular expression".to_string(),
    })
}

/// The regular expression for an anchor pattern of `parse`: the literal text between `*`s
/// matches itself, each `*` captures the shortest run up to the next anchor, and a `*` that
/// ends the pattern takes the rest of the line. Fails on `**` (two captures with no anchor
/// between them).
///
/// ```
/// use sumoql_plan::anchor_regex;
/// let re = anchor_regex("user=*, ip=*").unwrap();
/// let caps = re.captures("x user=bob, ip=10.0.0.1 port=22").unwrap();
/// assert_eq!(&caps[1], "bob");
/// assert_eq!(&caps[2], "10.0.0.1 port=22");
/// assert!(anchor_regex("a**b").is_err());
/// ```
pub fn anchor_regex(pattern: &str) -> Result<Regex, String> {
    let mut pieces = Vec::new();
    for (i, text) in pattern.split('*').enumerate() {
        if i > 0 {
            pieces.push(AnchorPiece::Star);
        }
        pieces.push(AnchorPiece::Text(text));
    }
    anchor_regex_of(&pieces)
}

/// One piece of an anchor pattern: text that matches itself, or a `*` that captures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnchorPiece<'a> {
    /// Literal text (a `*` in it is literal too).
    Text(&'a str),
    /// A capture.
    Star,
}

/// The regular expression for an anchor pattern given as pieces, by [`anchor_regex`]'s rules:
/// each `*` captures the shortest run up to the next anchor, a `*` that ends the pattern
/// takes the rest of the line, and two `*`s with no text between them are an error.
pub fn anchor_regex_of(pieces: &[AnchorPiece<'_>]) -> Result<Regex, String> {
    let pieces: Vec<AnchorPiece<'_>> = pieces
        .iter()
        .copied()
        .filter(|piece| *piece != AnchorPiece::Text(""))
        .collect();
    if pieces
        .windows(2)
        .any(|pair| pair.iter().all(|piece| *piece == AnchorPiece::Star))
    {
        return Err(
            "`**` is not a valid anchor pattern: put text between the `*`s, or use `parse regex`"
                .to_string(),
        );
    }
    let mut source = String::new();
    for (i, piece) in pieces.iter().enumerate() {
        match piece {
            AnchorPiece::Text(text) => source.push_str(&regex::escape(text)),
            AnchorPiece::Star if i + 1 == pieces.len() => source.push_str("(.*)"),
            AnchorPiece::Star => source.push_str("(.*?)"),
        }
    }
    compile(&source)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_match_whole_values_case_sensitively() {
        let p = TextPattern::new(&MatchPattern::Wildcard("a*c".into())).unwrap();
        assert!(p.is_match("abc") && p.is_match("ac") && p.is_match("a\nc"));
        assert!(!p.is_match("ABC") && !p.is_match("abcd"));
        let dots = TextPattern::new(&MatchPattern::Wildcard("1.2.*".into())).unwrap();
        assert!(dots.is_match("1.2.3") && !dots.is_match("1x2.3"));
    }

    #[test]
    fn invalid_regexes_explain_themselves() {
        let error = TextPattern::new(&MatchPattern::Regex("a(b".into())).unwrap_err();
        assert_eq!(error, "invalid regular expression: unclosed group");
        assert!(TextPattern::new(&MatchPattern::Regex("a)(b".into())).is_err());
    }

    #[test]
    fn pieces_with_substituted_text_match_it_literally() {
        let pieces = [
            AnchorPiece::Text("id="),
            AnchorPiece::Text("a.*b"),
            AnchorPiece::Text(" took "),
            AnchorPiece::Star,
            AnchorPiece::Text(" ms"),
        ];
        let re = anchor_regex_of(&pieces).unwrap();
        assert_eq!(&re.captures("x id=a.*b took 12 ms").unwrap()[1], "12");
        assert!(!re.is_match("id=aXXb took 12 ms"));
        let empty_between = [AnchorPiece::Star, AnchorPiece::Text(""), AnchorPiece::Star];
        assert!(anchor_regex_of(&empty_between).is_err());
    }

    #[test]
    fn anchors_capture_lazily_and_the_last_star_takes_the_rest() {
        let re = anchor_regex("[*] *").unwrap();
        let caps = re.captures("[INFO] started [x]").unwrap();
        assert_eq!(&caps[1], "INFO");
        assert_eq!(&caps[2], "started [x]");
        let re = anchor_regex("a=*;").unwrap();
        assert_eq!(&re.captures("a=1;b=2;").unwrap()[1], "1");
    }
}
