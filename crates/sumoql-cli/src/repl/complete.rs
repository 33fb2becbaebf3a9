//! Tab completion: `:command` names, paths after `:load`, operator names after `|`,
//! `_sourceCategory` values after `_sourceCategory=`, and field and function names elsewhere.

use rustyline::completion::{Completer, Pair};
use rustyline::Context;

use super::commands::COMMANDS;
use super::helper::ReplHelper;
use super::lexer::is_word_char;

impl Completer for ReplHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        context: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let before = line.get(..pos).unwrap_or(line);
        if let Some(command) = before.strip_prefix(':') {
            if !command.contains(char::is_whitespace) {
                let words = COMMANDS.iter().map(|command| command.name);
                return Ok((1, candidates(command, words)));
            }
            if command.starts_with("load ") || command.starts_with("save ") {
                return self.paths.complete(line, pos, context);
            }
            let (name, argument) = command.split_once(' ').unwrap_or((command, ""));
            let choices: &[&str] = match name {
                "format" => &["table", "ndjson", "json", "csv"],
                "time" => &["on", "off"],
                _ => &[],
            };
            let start = before.len() - argument.len();
            return Ok((start, candidates(argument, choices.iter().copied())));
        }
        let start = before
            .char_indices()
            .rev()
            .find(|&(_, c)| !is_word_char(c) && c != '/' && c != '-')
            .map_or(0, |(at, c)| at + c.len_utf8());
        let word = &before[start..];
        let lead = before[..start].trim_end();
        if let Some(scope) = lead.strip_suffix('=') {
            if scope.trim_end().ends_with("_sourceCategory") {
                let values = self.categories.iter().map(String::as_str);
                return Ok((start, candidates(word, values)));
            }
        }
        // Outside `_sourceCategory=`, a word stops at `/` and `-`.
        let start = start + word.rfind(['/', '-']).map_or(0, |at| at + 1);
        let word = &before[start..];
        let lead = before[..start].trim_end();
        if lead.ends_with('|') {
            let operators = sumoql::OPERATOR_DOCS.iter().map(|doc| doc.name);
            return Ok((start, candidates(word, operators)));
        }
        let fields = self.fields.iter().map(String::as_str);
        let functions = self.functions.iter().copied();
        Ok((start, candidates(word, fields.chain(functions))))
    }
}

/// The `words` that start with `prefix` (any letter case), sorted, once each.
fn candidates<'w>(prefix: &str, words: impl Iterator<Item = &'w str>) -> Vec<Pair> {
    let lower = prefix.to_lowercase();
    let mut found: Vec<&str> = words
        .filter(|word| word.to_lowercase().starts_with(&lower))
        .collect();
    found.sort_unstable();
    found.dedup();
    found
        .into_iter()
        .map(|word| Pair {
            display: word.to_string(),
            replacement: word.to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustyline::history::DefaultHistory;

    fn complete(helper: &ReplHelper, line: &str) -> (usize, Vec<String>) {
        let history = DefaultHistory::new();
        let context = Context::new(&history);
        let (start, pairs) = helper.complete(line, line.len(), &context).unwrap();
        (
            start,
            pairs.into_iter().map(|pair| pair.replacement).collect(),
        )
    }

    fn helper() -> ReplHelper {
        let mut helper = ReplHelper::new(&sumoql::Engine::new());
        helper.set_catalog(
            vec!["src_ip".into(), "src_port".into(), "dest_port".into()],
            vec!["network/firewall".into(), "network/dns".into()],
        );
        helper
    }

    #[test]
    fn completes_commands_operators_fields_and_categories() {
        let helper = helper();
        assert_eq!(complete(&helper, ":ex"), (1, vec!["explain".to_string()]));
        assert_eq!(
            complete(&helper, ":format nd"),
            (8, vec!["ndjson".to_string()])
        );
        assert_eq!(complete(&helper, "* | whe"), (4, vec!["where".to_string()]));
        assert_eq!(
            complete(&helper, "* | where dest_p"),
            (10, vec!["dest_port".to_string()])
        );
        assert_eq!(
            complete(&helper, "_sourceCategory=network/f"),
            (16, vec!["network/firewall".to_string()])
        );
        let (_, words) = complete(&helper, "* | eval x = toLo");
        assert!(words.contains(&"toLong".to_string()), "{words:?}");
    }
}
