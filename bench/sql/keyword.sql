-- bench/sumo/keyword.sumo in SQL.
-- A bare keyword matches a term of _raw, the line as read (D8): case-insensitive, and the match
-- must start and end at the line's ends or at a character that is not a letter or digit, so
-- "drop" matches `"action":"drop"` but not "dropbox" or "airdrop". The line is read whole and
-- only the matching lines are parsed as JSON.
-- device is text whatever its JSON type (D6); null when absent, and then a group of its own (D2).
-- Groups come out in ascending key order, null first (D18).
SELECT json_extract_string(line, '$.device') AS device, count(*) AS "_count"
FROM read_csv(
    getvariable('bench_path'),
    columns = {'line': 'VARCHAR'},
    header = false,
    auto_detect = false,
    delim = chr(1),
    quote = '',
    escape = ''
)
WHERE regexp_matches(lower(line), '(^|[^\pL\pN])drop([^\pL\pN]|$)')
GROUP BY device
ORDER BY device ASC NULLS FIRST
