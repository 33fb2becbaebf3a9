//! Colours for what is typed: operators and keywords, functions, strings, numbers, comments,
//! and the bracket matching the one at the cursor.

use std::borrow::Cow;

use rustyline::highlight::{CmdKind, Highlighter};

use super::helper::ReplHelper;
use super::lexer::{lex, needs_more, Token, TokenKind};

// Terminal styles: bold magenta operators and keywords, cyan functions, green strings, yellow
// numbers, dim comments and hints, bold pipes, a bold underline on matching brackets, a red
// underline on an error.
const KEYWORD: &str = "\x1b[1;35m";
const FUNCTION: &str = "\x1b[36m";
const TEXT: &str = "\x1b[32m";
const NUMBER: &str = "\x1b[33m";
const COMMENT: &str = "\x1b[2m";
const MATCHED: &str = "\x1b[1;4m";
const PIPE: &str = "\x1b[1m";
const ERROR: &str = "\x1b[4;31m";
const RESET: &str = "\x1b[0m";

impl Highlighter for ReplHelper {
    fn highlight<'l>(&self, line: &'l str, pos: usize) -> Cow<'l, str> {
        if line.starts_with(':') || !self.colored {
            return Cow::Borrowed(line);
        }
        let lexed = lex(line);
        let matched = matching_brackets(line, &lexed.tokens, pos);
        let error = self.error_span(line);
        let mut out = String::with_capacity(line.len() * 2);
        for token in &lexed.tokens {
            let text = &line[token.start..token.end];
            let in_error = error.is_some_and(|(start, end)| token.start < end && token.end > start);
            let colour = match token.kind {
                _ if in_error => Some(ERROR),
                TokenKind::Word if self.keywords.contains(&text.to_lowercase()) => Some(KEYWORD),
                TokenKind::Word if self.function_words.contains(&text.to_lowercase()) => {
                    Some(FUNCTION)
                }
                TokenKind::Text => Some(TEXT),
                TokenKind::Number => Some(NUMBER),
                TokenKind::Comment => Some(COMMENT),
                TokenKind::Pipe => Some(PIPE),
                TokenKind::Bracket if matched.contains(&token.start) => Some(MATCHED),
                _ => None,
            };
            match colour {
                Some(colour) => {
                    out.push_str(colour);
                    out.push_str(text);
                    out.push_str(RESET);
                }
                None => out.push_str(text),
            }
        }
        Cow::Owned(out)
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        Cow::Owned(format!("{COMMENT}{hint}{RESET}"))
    }

    fn highlight_char(&self, _line: &str, _pos: usize, _kind: CmdKind) -> bool {
        true
    }
}

impl ReplHelper {
    /// The bytes of the first error in `line` when it is complete and the error is not at its
    /// end (an error at the end usually means the query is still being typed).
    fn error_span(&self, line: &str) -> Option<(usize, usize)> {
        if needs_more(line) {
            return None;
        }
        let diagnostics = self.engine.compile(line).err()?;
        let error = diagnostics
            .iter()
            .find(|diagnostic| diagnostic.severity == sumoql::Severity::Error)?;
        let span = error.labels.first()?.span;
        let trailing = line
            .get(span.end..)
            .is_none_or(|rest| rest.trim().is_empty());
        (span.start < span.end && !trailing).then_some((span.start, span.end))
    }
}

/// The offsets of the bracket at (or just before) the cursor and its match, if both exist.
fn matching_brackets(line: &str, tokens: &[Token], pos: usize) -> Vec<usize> {
    let brackets: Vec<(usize, u8)> = tokens
        .iter()
        .filter(|token| token.kind == TokenKind::Bracket)
        .filter_map(|token| line.as_bytes().get(token.start).map(|&b| (token.start, b)))
        .collect();
    let at_cursor = brackets
        .iter()
        .position(|&(start, _)| start == pos)
        .or_else(|| {
            brackets
                .iter()
                .position(|&(start, _)| pos > 0 && start == pos - 1)
        });
    let Some(index) = at_cursor else {
        return Vec::new();
    };
    let (start, byte) = brackets[index];
    let opens = matches!(byte, b'(' | b'[' | b'{');
    let mut depth = 0usize;
    let candidates: Box<dyn Iterator<Item = &(usize, u8)>> = if opens {
        Box::new(brackets[index..].iter())
    } else {
        Box::new(brackets[..=index].iter().rev())
    };
    for &(other, other_byte) in candidates {
        let same_side = matches!(other_byte, b'(' | b'[' | b'{') == opens;
        if same_side {
            depth += 1;
        } else {
            depth = depth.saturating_sub(1);
            if depth == 0 {
                return vec![start, other];
            }
        }
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn coloured_helper() -> ReplHelper {
        let mut helper = ReplHelper::new(&sumoql::Engine::new());
        helper.colored = true;
        helper
    }

    #[test]
    fn colours_keywords_functions_strings_and_numbers() {
        let helper = coloured_helper();
        let shown = helper.highlight("* | where toLong(x) > 10 and y = \"a\"", 0);
        assert!(shown.contains(&format!("{KEYWORD}where{RESET}")), "{shown}");
        assert!(
            shown.contains(&format!("{FUNCTION}toLong{RESET}")),
            "{shown}"
        );
        assert!(shown.contains(&format!("{NUMBER}10{RESET}")), "{shown}");
        assert!(shown.contains(&format!("{TEXT}\"a\"{RESET}")), "{shown}");
    }

    #[test]
    fn an_error_before_the_end_is_underlined_but_not_one_at_the_end() {
        let helper = coloured_helper();
        let shown = helper.highlight("* | where nosuchfunction(x) | count", 0);
        assert!(
            shown.contains(&format!("{ERROR}nosuchfunction{RESET}")),
            "{shown}"
        );
        let typing = helper.highlight("* | where x =", 0);
        assert!(!typing.contains(ERROR), "{typing}");
    }

    #[test]
    fn the_bracket_at_the_cursor_and_its_match_are_marked() {
        let line = "f(a, (b), c)";
        let tokens = lex(line).tokens;
        assert_eq!(matching_brackets(line, &tokens, 1), vec![1, 11]);
        assert_eq!(matching_brackets(line, &tokens, 12), vec![11, 1]);
        assert_eq!(matching_brackets(line, &tokens, 3), Vec::<usize>::new());
    }
}
