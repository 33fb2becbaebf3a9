//! `keyvalue regex`: key-value pairs found by a regular expression the query gives.

use regex::Regex;

/// The value of each of `keys` in `text`, in order, `None` where there is none.
///
/// With two capture groups, each match of `regex` is a pair (the first group the key, the
/// second its value), and a key takes the value of its first pair. With one group, a key's
/// value is that group in the first match that starts at or after the end of the key's first
/// occurrence in `text`.
pub(super) fn values_by_regex<'t>(
    regex: &Regex,
    keys: &[(String, usize)],
    text: &'t str,
) -> Vec<Option<&'t str>> {
    if regex.captures_len() > 2 {
        let pairs: Vec<(&str, &str)> = regex
            .captures_iter(text)
            .filter_map(|c| Some((c.get(1)?.as_str(), c.get(2)?.as_str())))
            .collect();
        return keys
            .iter()
            .map(|(key, _)| pairs.iter().find(|(k, _)| k == key).map(|&(_, v)| v))
            .collect();
    }
    keys.iter()
        .map(|(key, _)| {
            let after_key = text.find(key.as_str())? + key.len();
            let captures = regex.captures_at(text, after_key)?;
            captures.get(1).map(|m| m.as_str())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOG: &str = "2017-09-08 21:01:58:552 INFO [log] reqId=b5-96 {perf.response_time_ms=129, \
                       serviceinfo.IP=10.211.77.111, perf.request_start_timestamp_ms=1339189318397, \
                       request.method=GET}";

    fn keys(names: &[&str]) -> Vec<(String, usize)> {
        names.iter().map(|n| (n.to_string(), 0)).collect()
    }

    #[test]
    fn two_groups_pair_keys_with_values() {
        let regex = Regex::new(r"\s(.*?)=(.*?),").unwrap();
        let wanted = keys(&[
            "serviceinfo.IP",
            "perf.request_start_timestamp_ms",
            "request.method",
        ]);
        assert_eq!(
            values_by_regex(&regex, &wanted, LOG),
            [Some("10.211.77.111"), Some("1339189318397"), None]
        );
    }

    #[test]
    fn one_group_takes_the_match_after_the_key() {
        let regex = Regex::new(r"=(.*?),").unwrap();
        let wanted = keys(&[
            "serviceinfo.IP",
            "perf.request_start_timestamp_ms",
            "absent",
        ]);
        assert_eq!(
            values_by_regex(&regex, &wanted, LOG),
            [Some("10.211.77.111"), Some("1339189318397"), None]
        );
    }
}
