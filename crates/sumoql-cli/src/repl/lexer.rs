//! A forgiving tokenizer for what is being typed: enough to colour it, to tell whether it is
//! complete and to cut it at its pipes. It never fails; the parser gives the real errors.

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum TokenKind {
    /// A name: a field, function, operator or keyword.
    Word,
    /// A quoted string, closed or not.
    Text,
    /// A number, with its suffix (`10k`, `5m`).
    Number,
    /// `(`, `)`, `[`, `]`, `{` or `}`.
    Bracket,
    /// `|` between stages.
    Pipe,
    /// `// …` or `/* … */`.
    Comment,
    /// Anything else: operators, punctuation, white space.
    Other,
}

/// One token: its kind and byte range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Token {
    /// What it is.
    pub kind: TokenKind,
    /// Where it starts (a byte offset).
    pub start: usize,
    /// Where it ends (a byte offset, exclusive).
    pub end: usize,
}

/// The tokens of `text`, and whether it ends inside something left open.
pub(super) struct Lexed {
    /// Every token, in order, covering the whole text.
    pub tokens: Vec<Token>,
    /// Open brackets minus closed ones (at least 0).
    pub open_brackets: usize,
    /// Whether the text ends inside a string or a block comment.
    pub open_quote: bool,
}

/// Splits `text` into tokens.
pub(super) fn lex(text: &str) -> Lexed {
    let mut tokens = Vec::new();
    let mut depth: usize = 0;
    let mut open_quote = false;
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        let mut end = start + c.len_utf8();
        // `network/*` is a pattern, not the start of a comment.
        let after_word = text[..start].chars().next_back().is_some_and(is_word_char);
        let kind = match c {
            '"' | '\'' | '`' => {
                open_quote = true;
                while let Some((at, next)) = chars.next() {
                    end = at + next.len_utf8();
                    if next == '\\' {
                        if let Some((at, escaped)) = chars.next() {
                            end = at + escaped.len_utf8();
                        }
                    } else if next == c {
                        open_quote = false;
                        break;
                    }
                }
                TokenKind::Text
            }
            '/' if after_word => {
                end = take_while(&mut chars, end, |c| is_word_char(c) || c == '/');
                TokenKind::Word
            }
            '/' if matches!(chars.peek(), Some((_, '/'))) => {
                while let Some(&(at, next)) = chars.peek() {
                    if next == '\n' {
                        break;
                    }
                    end = at + next.len_utf8();
                    chars.next();
                }
                TokenKind::Comment
            }
            '/' if matches!(chars.peek(), Some((_, '*'))) => {
                open_quote = true;
                let mut previous = ' ';
                for (at, next) in chars.by_ref() {
                    end = at + next.len_utf8();
                    if previous == '*' && next == '/' && at > start + 1 {
                        open_quote = false;
                        break;
                    }
                    previous = next;
                }
                TokenKind::Comment
            }
            '(' | '[' | '{' => {
                depth += 1;
                TokenKind::Bracket
            }
            ')' | ']' | '}' => {
                depth = depth.saturating_sub(1);
                TokenKind::Bracket
            }
            '|' if !matches!(chars.peek(), Some((_, '|'))) => TokenKind::Pipe,
            c if c.is_ascii_digit() => {
                end = take_while(&mut chars, end, |c| c.is_ascii_alphanumeric() || c == '.');
                TokenKind::Number
            }
            c if c.is_alphabetic() || c == '_' || c == '%' => {
                end = take_while(&mut chars, end, is_word_char);
                TokenKind::Word
            }
            _ => TokenKind::Other,
        };
        tokens.push(Token { kind, start, end });
    }
    Lexed {
        tokens,
        open_brackets: depth,
        open_quote,
    }
}

/// Whether `c` may go on a word: a field name, a dotted path, a wildcard pattern.
pub(super) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '.' | '*' | '%')
}

/// Moves `chars` past the characters `keep` accepts; returns the end of the last one taken
/// (`end` when none is).
fn take_while(
    chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>,
    mut end: usize,
    keep: impl Fn(char) -> bool,
) -> usize {
    while let Some(&(at, next)) = chars.peek() {
        if !keep(next) {
            break;
        }
        end = at + next.len_utf8();
        chars.next();
    }
    end
}

/// Whether `text` is a query still being typed: it ends with `|`, or leaves a bracket, a
/// string or a comment open.
pub(super) fn needs_more(text: &str) -> bool {
    let lexed = lex(text);
    let ends_with_pipe = lexed
        .tokens
        .iter()
        .rev()
        .find(|token| !text[token.start..token.end].trim().is_empty())
        .is_some_and(|token| token.kind == TokenKind::Pipe);
    ends_with_pipe || lexed.open_brackets > 0 || lexed.open_quote
}

/// The byte offsets of the pipes between stages (not those in strings or comments).
pub(super) fn stage_pipes(text: &str) -> Vec<usize> {
    lex(text)
        .tokens
        .iter()
        .filter(|token| token.kind == TokenKind::Pipe)
        .map(|token| token.start)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trailing_pipe_or_open_bracket_or_quote_asks_for_more() {
        assert!(needs_more("* | where a = 1 |"));
        assert!(needs_more("* | where a in (\"1\",\n"));
        assert!(needs_more("* | where a = \"op"));
        assert!(needs_more("* /* note"));
        assert!(!needs_more("* | where a = \"|(\" | count"));
        assert!(!needs_more("* | where a = 1 // trailing |"));
        assert!(!needs_more("_sourceCategory=network/* | count"));
    }

    #[test]
    fn pipes_in_strings_and_comments_do_not_cut_stages() {
        let text = "* \"a|b\" | where x = \"|\" /* | */ | count";
        let pipes = stage_pipes(text);
        assert_eq!(pipes.len(), 2);
        assert_eq!(&text[pipes[0]..pipes[0] + 7], "| where");
    }

    #[test]
    fn tokens_cover_words_numbers_and_multibyte_text() {
        let lexed = lex("é10k \"ü\"");
        let kinds: Vec<TokenKind> = lexed.tokens.iter().map(|t| t.kind).collect();
        assert_eq!(kinds, [TokenKind::Word, TokenKind::Other, TokenKind::Text]);
        let lexed = lex("10k x");
        assert_eq!(lexed.tokens[0].kind, TokenKind::Number);
        assert_eq!(lexed.tokens[0].end, 3);
    }
}
