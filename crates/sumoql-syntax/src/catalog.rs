//! The operator reference: each operator's syntax, meaning and examples, for `sumoql help`,
//! the generated dialect reference and completion. A test parses every example.

/// The documentation of one operator, as `sumoql help NAME` prints it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OperatorDoc {
    /// The name written after `|` (the first word of the stage).
    pub name: &'static str,
    /// Other names for the same operator (`order` for `sort`).
    pub aliases: &'static [&'static str],
    /// The forms the operator takes, one per line.
    pub syntax: &'static str,
    /// What it does, in a few sentences.
    pub summary: &'static str,
    /// Whole queries using it, each runnable as written.
    pub examples: &'static [&'static str],
}

impl OperatorDoc {
    /// Whether `word` names this operator or one of its aliases, in any letter case.
    pub fn is_named(&self, word: &str) -> bool {
        self.name.eq_ignore_ascii_case(word)
            || self.aliases.iter().any(|a| a.eq_ignore_ascii_case(word))
    }
}

/// The operator called `word` (or aliased so), in any letter case.
pub fn operator_doc(word: &str) -> Option<&'static OperatorDoc> {
    OPERATOR_DOCS.iter().find(|doc| doc.is_named(word))
}

/// Every operator sumoql runs, in the order the reference presents them.
pub const OPERATOR_DOCS: &[OperatorDoc] = &[
    OperatorDoc {
        name: "where",
        aliases: &[],
        syntax: "where CONDITION",
        summary: "Keeps the records for which the condition is true; a null condition drops the \
                  record. Conditions use `=`, `!=`, `<`, `>`, `in (...)`, `matches`, infix \
                  `contains` (`address contains city`, the same as `contains(address, city)`), \
                  `and`, `or`, `not` and any function returning a boolean.",
        examples: &[
            "* | where dest_port in (\"21\", \"990\") and !isNull(src_ip)",
            "* | where user matches \"adm*\"",
            "* | where address contains city",
        ],
    },
    OperatorDoc {
        name: "eval",
        aliases: &[],
        syntax: "eval NAME = EXPR[, NAME = EXPR…]",
        summary: "Splunk's assignment form, the same as Sumo's `EXPR as NAME`; assignments run in \
                  order, so a later one sees an earlier one.",
        examples: &["* | eval kb = toLong(bytes) / 1024, big = if(kb > 1000, \"yes\", \"no\")"],
    },
    OperatorDoc {
        name: "as",
        aliases: &[],
        syntax: "EXPR as NAME[, EXPR as NAME…]\nCAST(FIELD)",
        summary: "Sumo's bare assignment: computes a value per record and names it, overwriting a \
                  field of the same name in place. A cast of one field with no name (`toLong`, \
                  `toInt`, `num`, `number`, `toString`) casts that field in place, as Sumo's \
                  casts do: `| toLong(duration)` is `| toLong(duration) as duration`. Numbers \
                  may end in a size suffix, case-sensitive as in Sumo: `k` or `K`, `M`, `G` or \
                  `B` (a billion), `T`, `P` for powers of 1000, `Ki`, `Mi`, `Gi`, `Ti`, `Pi` \
                  for powers of 1024; or in a time unit `ms`, `s`, `m`, `h`, `d`, `w`, giving \
                  milliseconds.",
        examples: &[
            "* | toLong(bytes_out) as bytes_out | concat(src_ip, \":\", src_port) as source",
            "* | parse \"took *ms\" as duration | toLong(duration) | sort by duration",
            "* | bytes_out / 1Gi as gib, 1.5M as cap",
        ],
    },
    OperatorDoc {
        name: "count",
        aliases: &["stats"],
        syntax: "AGGREGATE[ as NAME][, AGGREGATE[ as NAME]…] [by FIELD, …]\n\
                 stats AGGREGATE[ as NAME], … [by FIELD, …]\n\
                 count FIELD[, FIELD…]\n\
                 count_frequent FIELD[, FIELD…]",
        summary: "Aggregation: groups records by the `by` fields and computes aggregate functions \
                  (`count`, `count_distinct`, `sum`, `avg`, `min`, `max`, `stddev`, `pct`, \
                  `median`, `values`, `first`, `last`, `most_recent`, `least_recent`) per group. \
                  Groups come out in ascending order of their key; a null key forms its own \
                  group unless --null-groups drop. Two columns may not share a name: name them \
                  with `as`. As in Sumo, `count f, g` (no `by`) is `count by f, g`. \
                  `count_frequent f, g` (or `count_frequent(f, g)`) gives rows instead: the \
                  10,000 most frequent combinations with their `_approxcount`.",
        examples: &[
            "* | count by src_ip",
            "* | count as n, sum(bytes) as total, count_distinct(dest_ip) by src_ip",
            "* | stats count as n by action",
            "* | pct(bytes_out, 50, 95), median(bytes_out) by action",
            "* | count_frequent(dest_port)",
            "* | count src_ip, dest_port",
            "* | count_frequent src_ip, dest_port",
        ],
    },
    OperatorDoc {
        name: "fields",
        aliases: &[],
        syntax: "fields NAME, …\nfields - NAME, …",
        summary: "Keeps exactly the named columns in that order, or with `-` removes them. Each \
                  field is named once: as in Sumo, a field named twice (in any letter case) is \
                  an error.",
        examples: &["* | fields src_ip, dest_ip", "* | fields - _raw"],
    },
    OperatorDoc {
        name: "sort",
        aliases: &["order"],
        syntax: "sort [by] FIELD [asc|desc][, …]\nsort [by] +FIELD, -FIELD",
        summary: "A stable sort; descending unless `asc` or `+`. Numbers sort as numbers, nulls \
                  first. Over log records, equal keys stay in Sumo's order: newest first (by \
                  `_messageTime`), equal times in input order.",
        examples: &["* | count by src_ip | sort by _count desc, src_ip asc"],
    },
    OperatorDoc {
        name: "limit",
        aliases: &[],
        syntax: "limit N",
        summary: "Keeps the first N records, at most 10,000. Over log records these are the N \
                  newest, newest first (Sumo's order: by `_messageTime`, equal times in input \
                  order); after a `sort` or an aggregation, the first N of that order. Only N \
                  records are held at a time.",
        examples: &["* | count by src_ip | sort by _count | limit 10"],
    },
    OperatorDoc {
        name: "parse",
        aliases: &[],
        syntax: "parse [field=NAME] \"ANCHOR * ANCHOR *\" as NAME, … [nodrop]\n\
                 parse regex [field=NAME] \"(?<name>…)\" [multi] [nodrop]\n\
                 parse xml [field=NAME] \"XPATH\"[, \"XPATH\"…] [as NAME, …] [nodrop]",
        summary: "Extracts fields from `_raw` (or another field). The anchor form captures the \
                  text between literal anchors at each `*`; the regex form makes a field of each \
                  named group, and with `multi` a record per match, up to the limit of matches per \
                  record (`sumoql help limits`; the run warns when a record has more). A record that does not match \
                  is dropped, unless `nodrop` keeps it with the new fields null. Parses in a row \
                  whose first ones are `nodrop` act as an OR, as in Sumo: `parse \"a=*,\" as a \
                  nodrop | parse \"b=*,\" as b` keeps the records that match either pattern \
                  (any other stage between two parses ends such a run). A regular expression \
                  may hold only named groups: write `(?:…)` for the others. The xml form \
                  reads XML text with Sumo's XPath subset: absolute paths that only go deeper \
                  (no `//`, `..` or `axis::`), each step a name or `*` with predicates `[2]`, \
                  `[last()]`, `[@a]`, `[@a=v]` or `[child=v]`, ending in an element (its XML \
                  text as written), `text()` (its first text) or `@attr`. Names match without \
                  regard to namespaces; of several matches the first is taken; without `as` a \
                  field is named after the attribute or last element. A record whose XML is \
                  not well-formed, or where no path matches, does not match.",
        examples: &[
            "* | parse \"user=* \" as user",
            "* | parse \"GET * HTTP\" as url nodrop | parse \"POST * HTTP\" as url",
            "* | parse xml field=xml \"/users/user[@id=456]/first_name/text()\" as first_name",
            "* | parse xml field=event \"/Event/System/EventID/text()\", \"/Event/EventData/Data[@Name='TargetUserName']/text()\" as event_id, user",
            "* | parse regex \"src=(?<src_ip>\\d+\\.\\d+\\.\\d+\\.\\d+)\" nodrop",
        ],
    },
    OperatorDoc {
        name: "extract",
        aliases: &[],
        syntax: "extract [field=NAME] \"(?<name>…)\" [multi] [nodrop]",
        summary: "Another name for `parse regex`.",
        examples: &["* | extract \"port=(?<port>\\d+)\""],
    },
    OperatorDoc {
        name: "json",
        aliases: &[],
        syntax: "json [field=NAME] \"KEY\"[, \"KEY.SUB\"…] [as NAME, …] [nodrop]\n\
                 json [field=NAME] auto [nodrop]",
        summary: "Reads JSON text (from `_raw` unless `field=`) and extracts the keys given, by \
                  dotted path (`a.b[0]`, `['odd.key']`), or with `auto` every top-level key. \
                  Objects and arrays come out as JSON text. A `[*]` step (or a `*` key) reaches \
                  every element of an array or member of an object: the field holds the JSON \
                  array of every value reached, and a record where none is reached does not \
                  match.",
        examples: &[
            "* | json field=payload \"user.name\" as user nodrop",
            "* | json \"Actor[*].Type\" as types | extract field=types \"(?<type>\\d+)\" multi",
        ],
    },
    OperatorDoc {
        name: "keyvalue",
        aliases: &["kv"],
        syntax: "keyvalue [infer|auto] [field=NAME] \"KEY\"[, \"KEY\"…] [as NAME, …] [nodrop]\n\
                 keyvalue [field=NAME] auto [nodrop]\n\
                 keyvalue [field=NAME] regex \"RE\" [keys] \"KEY\"[, \"KEY\"…] [as NAME, …] [nodrop]",
        summary: "Extracts `key=value` pairs (values may be quoted) for the keys given, or every \
                  pair with `auto`. With `regex`, the pairs are found by the expression: with \
                  two groups each match is a key and its value (a key takes its first pair); \
                  with one group, a key's value is the first match that starts after the \
                  key's first occurrence. Without `as`, a regex-mode key's field is its name \
                  with every character other than a letter, digit or `_` made `_` \
                  (`serviceinfo.IP` gives `serviceinfo_IP`). A record with none of the keys \
                  does not match.",
        examples: &[
            "* | kv \"srcip\", \"dstip\" as src_ip, dest_ip",
            "* | keyvalue regex \"\\s(.*?)=(.*?),\" keys \"serviceinfo.IP\" as ip",
            "* | keyvalue regex \"=(.*?),\" \"serviceinfo.IP\", \"request.method\"",
        ],
    },
    OperatorDoc {
        name: "csv",
        aliases: &[],
        syntax: "csv FIELD [delim=','] extract INDEX as NAME[, INDEX as NAME…]\n\
                 csv FIELD extract NAME, _, NAME…",
        summary: "Splits a field as one line of CSV and names the columns by their 1-based \
                  position, or in order with `_` skipping one. Missing columns are null; a \
                  record whose field is null is dropped.",
        examples: &["* | csv _raw extract 1 as time, 3 as src_ip"],
    },
    OperatorDoc {
        name: "split",
        aliases: &[],
        syntax: "split FIELD [delim=','] [quote='\"'] [escape='\\'] extract INDEX as NAME, …",
        summary: "Splits a field on a delimiter, honouring quotes, and names the parts by their \
                  1-based position.",
        examples: &["* | split _raw delim=';' extract 1 as host, 2 as action"],
    },
    OperatorDoc {
        name: "timeslice",
        aliases: &[],
        syntax: "timeslice [by] DURATION [as NAME]\ntimeslice N buckets [as NAME]",
        summary: "Sets `_timeslice` to the start of the slice of `_messageTime` the record falls \
                  in (epoch milliseconds), for grouping by time: `| timeslice 5m | count by \
                  _timeslice`. It also sets `_timeslice_end`, the slice's end (Sumo's page \
                  spells it `__timeslice_end`), which the result shows only when a stage \
                  names it, as `count by _timeslice, _timeslice_end` does. `N buckets` picks a \
                  clock-aligned width that cuts the run's time range (--from/--to, or --last) \
                  into at most N slices: the smallest width of at least range / N among 1, 2, \
                  3, 4, 5, 6, 10, 12, 15, 20 and 30 seconds or minutes, 1, 2, 3, 4, 6, 8 and 12 \
                  hours, then whole days (so 150 buckets of an hour are 30 s, 10 buckets 6 m). \
                  A run without a time range cannot use it.",
        examples: &[
            "* | timeslice 1h | count by _timeslice, src_ip",
            "* | timeslice 10 buckets | count by _sourceCategory, _timeslice",
        ],
    },
    OperatorDoc {
        name: "top",
        aliases: &[],
        syntax: "top N FIELD[, FIELD…] [by count]\ntop N FIELD[, FIELD…] by FIELD",
        summary: "Counts the records per value (or combination) of the fields and keeps the N \
                  most frequent, largest `_count` first, equal counts in ascending order of \
                  the values. With `by FIELD`, ranks instead by the largest value of that field \
                  for each value of the fields (`top 10 _sourceCategory by _messageTime`: the \
                  categories with the latest messages), which it shows beside them; `by \
                  _count` after an aggregation ranks by its count column.",
        examples: &[
            "* | top 10 dest_ip",
            "* | top 3 _sourceCategory by _messageTime",
            "* | count dest_ip | top 2 dest_ip by _count",
        ],
    },
    OperatorDoc {
        name: "topk",
        aliases: &[],
        syntax: "topk(N, FIELD) [by FIELD, …]",
        summary: "Keeps the N rows with the largest value of a numeric field, per group with \
                  `by`, and numbers them in `_rank`; equal values keep the record order (over \
                  log records, newest first).",
        examples: &["* | sum(bytes) as total by src_ip, dest_ip | topk(3, total) by src_ip"],
    },
    OperatorDoc {
        name: "dedup",
        aliases: &[],
        syntax: "dedup [consecutive] [N] [by FIELD[, FIELD…]]",
        summary: "Keeps the first N records (1 by default) of each combination of the fields; \
                  without `by`, records with the same `_raw`. Over log records the order is \
                  Sumo's, newest first (by `_messageTime`, equal times in input order), so \
                  `dedup by f` keeps the most recent record of each value and emits them newest \
                  first; it holds the records to order them. With `consecutive`, only runs of \
                  equal neighbours in that order are reduced.",
        examples: &["* | dedup by src_ip, dest_ip", "* | dedup 3 by user"],
    },
    OperatorDoc {
        name: "fillmissing",
        aliases: &[],
        syntax: "fillmissing values(\"A\", \"B\"…) in FIELD[, values(…) in FIELD] [with VALUE for FIELD[, …]]\n\
                 fillmissing timeslice[(DURATION)] [in FIELD][, values(…) in FIELD] [with …]",
        summary: "After an aggregation, adds a row at the end for every listed key value (or \
                  combination) that has none. Its other fields hold their `with` value, else, \
                  as in Sumo, the zero of their type: 0 for a number (a count), false for a \
                  boolean, null for text. The type is the one the other rows show; when no \
                  row has a value, a count or distinct count is still 0. The `timeslice` \
                  generator lists every slice of the run's time range (--from/--to, or --last) \
                  in `_timeslice` (or the field after `in`), of the width given or else that \
                  of the last `timeslice`; at most 10,000 slices.",
        examples: &[
            "* | count by action | fillmissing values(\"allow\", \"deny\") in action",
            "* | count by action | fillmissing values(\"allow\") in action with -1 for _count",
            "login | timeslice 15m | count by _timeslice | fillmissing timeslice | sort by _timeslice",
        ],
    },
    OperatorDoc {
        name: "accum",
        aliases: &[],
        syntax: "accum FIELD [as NAME] [by FIELD, …]",
        summary: "A running sum of a numeric field over the rows, per group with `by`. Over log \
                  records the rows run in Sumo's order, newest first (as for `diff`, `backshift` \
                  and `total`), which means holding them to order them; after a `sort` or an \
                  aggregation they run in that order.",
        examples: &["* | timeslice 1h | count by _timeslice | accum _count as running"],
    },
    OperatorDoc {
        name: "total",
        aliases: &[],
        syntax: "total FIELD [as NAME] [by FIELD, …]",
        summary: "The sum of a numeric field over all rows (of the group), added to every row; \
                  over log records the rows come out newest first (see `accum`).",
        examples: &["* | count by action | total _count as all"],
    },
    OperatorDoc {
        name: "diff",
        aliases: &[],
        syntax: "diff FIELD [as NAME] [by FIELD, …]",
        summary: "The difference between a row's value and the previous row's; null on the first \
                  row (of each group). Rows come in the order `accum` describes: over log \
                  records, newest first.",
        examples: &["* | timeslice 1h | count by _timeslice | diff _count as change"],
    },
    OperatorDoc {
        name: "join",
        aliases: &[],
        syntax: "join (STAGES) as T1, (STAGES) as T2[, …] on T1.F = T2.G [and …] [timewindow DURATION]",
        summary: "An inner join of tables made from the same records: each table's stages (no \
                  scope of their own) run on every record reaching the join; a row of the \
                  result is one row of each table meeting every `on` equality (null never \
                  equals) and, with `timewindow` (also written `[timewindow 10m]`), no two rows \
                  further apart in `_messageTime`. The result's fields are the tables' fields \
                  prefixed with the table's name, `t1_a` (`t1__timeslice` for a `_timeslice` \
                  made before the join); a later stage may name any field `f` of a table that \
                  keeps whole records as `t1_f`. Rows come table by table, each table's rows \
                  newest first. A table holds at most 1,000,000 rows and a join makes at most \
                  10,000,000 (Sumo's limit); past either, a warning says the result is \
                  incomplete. Only `a.f = b.g` conditions joined by `and` are allowed, as in Sumo.",
        examples: &[
            "* | join (where action = \"allow\") as a, (where action = \"deny\") as d on a.src_ip = d.src_ip | count by a_src_ip",
            "* | join (count by src_ip) as c, (sum(bytes_out) as total by src_ip) as b on c.src_ip = b.src_ip | fields c_src_ip, c__count, b_total",
        ],
    },
    OperatorDoc {
        name: "subquery",
        aliases: &[],
        syntax: "SCOPE [subquery [from=(TIME)] [to=(TIME)]: QUERY | compose FIELD[, …] [maxresults=N] [keywords]] | …\n\
                 | where [subquery: QUERY | compose FIELD[, …] [maxresults=N]]\n\
                 | if([subquery: QUERY | compose FIELD[, …]], THEN, ELSE) as NAME",
        summary: "A child query, in square brackets, run before the query that holds it over \
                  the same inputs (on its own time range with `from=(…)`/`to=(…)`: `-15m`, `now`, \
                  epoch milliseconds or ISO-8601, else the run's). Its distinct rows of the \
                  composed fields (2,500 unless `maxresults`, at most 10,000; a row with a null \
                  field is left out, with a warning) become a condition: one row is all of its \
                  values, and a record passes when it meets any row. In the scope each value is \
                  a `field=value` term (whole value, case-insensitive, `*` a wildcard), or with \
                  `keywords` a keyword of `_raw`; in `where` and `if` it is `field = \"value\"` \
                  (case-sensitive). No rows match nothing, with a warning. Subqueries nest. \
                  Standard input is held in memory to be read again, up to 1 GiB.",
        examples: &[
            "_sourceCategory=network/* [subquery: action=deny | count by src_ip | topk(3, _count) | compose src_ip] | count by src_ip",
            "* | where [subquery: action=deny | compose dest_ip] | count by dest_ip",
            "* | if([subquery: action=deny | compose src_ip], \"denied before\", \"clean\") as history | count by history",
        ],
    },
    OperatorDoc {
        name: "transaction",
        aliases: &[],
        syntax: "transaction on FIELD[, …] [fringe=DURATION] with \"MATCH\" [in FIELD] as STATE[, with …] [results by transactions|flow]\n\
                 transaction on FIELD[, …] with states VALUE [as STATE][, …] in FIELD [results by transactions|flow]",
        summary: "Follows transactions: the records whose `on` fields are equal (a record missing \
                  one takes no part). A record is in the first state whose test it passes, in the \
                  order written: `\"MATCH\"` matches the whole of `_raw` (or the `in` field), `*` \
                  standing for any run of characters; `states a, b in f` is in state `a` when \
                  `f` is `a`. Records in no state take no part. `results by transactions` (the \
                  default) makes one row per transaction, in the order of its IDs: the IDs, \
                  `_start_time` and `_end_time` (its first and last record's `_messageTime`, in \
                  milliseconds) and each state's count of records. `results by flow` takes each \
                  transaction's records in time order (ties in input order) and makes one row per \
                  change of state: the IDs, `fromstate`, `tostate` and `latency`, the milliseconds \
                  between the two records. `fringe=10m` leaves out transactions that end within \
                  10 minutes of the run's start or start within 10 minutes of its end (it needs \
                  `--from`/`--to` or `--last`). At most 10,000 transactions are followed (Sumo's \
                  limit); records of later ones are left out, with a warning. `results by \
                  states` and `showing` are refused.",
        examples: &[
            "* | transaction on src_ip with states allow, deny in action | where deny > 0",
            "* | transaction on src_ip with states allow, deny in action results by flow | count, max(latency) by fromstate, tostate",
        ],
    },
    OperatorDoc {
        name: "backshift",
        aliases: &[],
        syntax: "backshift FIELD[, N] [as NAME] [by FIELD, …]",
        summary: "The value of a field N rows earlier (1 by default); null while there is none. \
                  Rows come in the order `accum` describes: over log records, newest first, so \
                  the row before is the next newer message.",
        examples: &["* | timeslice 1h | count by _timeslice | backshift _count as previous"],
    },
    OperatorDoc {
        name: "smooth",
        aliases: &[],
        syntax: "smooth FIELD[, N] [as NAME] [by FIELD, …]",
        summary: "The moving average of a numeric field: the average of this row's value and \
                  the N − 1 before it (10 rows by default, at most 1,000), of as many as there \
                  are on the first rows, in `_smooth` unless named. With `by`, each group has \
                  its own window. Rows whose field is not a number are left out, with a \
                  warning. Rows come in the order `accum` describes, so sort by `_timeslice` \
                  first, as Sumo's examples do.",
        examples: &[
            "* | timeslice 1m | sum(bytes) as bytes by _timeslice | sort _timeslice | smooth bytes, 5",
        ],
    },
    OperatorDoc {
        name: "rollingstd",
        aliases: &[],
        syntax: "rollingstd FIELD[, N] [as NAME] [by FIELD, …]",
        summary: "The rolling standard deviation of a numeric field over the same window as \
                  `smooth` (10 rows by default, at most 1,000), in `_rollingstd` unless named: \
                  the sample deviation (divided by n − 1) of the values in the window, 0 while \
                  it holds a single value. Rows whose field is not a number are left out, with \
                  a warning.",
        examples: &[
            "* | timeslice 1m | sum(bytes) as bytes by _timeslice | sort _timeslice | rollingstd bytes, 5",
        ],
    },
    OperatorDoc {
        name: "outlier",
        aliases: &[],
        syntax: "outlier FIELD [by FIELD, …] [window=N, threshold=T, consecutive=C, direction=+-|+|-]",
        summary: "Marks unexpected points of a numeric series, such as `_count` per `_timeslice`. \
                  Each series (one per `by` key) is taken in `_timeslice` order, which the rows \
                  then keep. A point is measured against the mean and sample standard deviation \
                  of the `window` points before it (10 by default): `FIELD_error` is the value \
                  minus the mean, `FIELD_lower` and `FIELD_upper` the mean minus and plus \
                  `threshold` deviations (3 by default), `FIELD_indicator` is 1 when the value \
                  is outside the band on the `direction` side (`+-` both, the default; `+` \
                  above; `-` below) and `FIELD_violation` is 1 once `consecutive` points in a \
                  row (1 by default) are outliers. The band needs two earlier points: before \
                  that its fields are null and the indicator 0. A row whose field is not a \
                  number keeps null fields, with a warning.",
        examples: &[
            "* | timeslice 1m | count by _timeslice | outlier _count window=5, threshold=3, consecutive=2, direction=+",
            "* | timeslice 1m | count by _timeslice, src_ip | outlier _count by src_ip | where _count_violation = 1",
        ],
    },
    OperatorDoc {
        name: "transactionize",
        aliases: &[],
        syntax: "transactionize FIELD[, FIELD…] [as PREFIX] [maxSpan=D] [maxPause=D] [maxLogs=N] \
                 [startsWith=\"TEXT\"[;strict]] [endsWith=\"TEXT\"[;strict]] \
                 [keepOrphans=true|false] [(STAGE | …)]",
        summary: "Groups records that share a value of any one of the fields, transitively (A, then \
                  A and B, then B and C are one group), taking them in `_messageTime` order. A \
                  record starts a new group when it holds `startsWith`'s text (anywhere in \
                  `_raw`, `*` a wildcard) or when joining would make the group last longer than \
                  `maxSpan`, pause longer than `maxPause` or hold more than `maxLogs` records; a \
                  record holding `endsWith`'s text ends its group; `;strict` leaves out the \
                  groups that do not start (or end) so. Every record passes on, group by group \
                  (numbered from 1 in the order of their first records), with `_group`, \
                  `_group_duration` (milliseconds from first to last record), `_group_size` and \
                  `_group_orphaned` (`PREFIX`, `PREFIX_duration`… with `as`); a record with none \
                  of the fields is a group of its own marked orphaned, or is dropped with \
                  `keepOrphans=false`. Stages in parentheses (such as `merge`) run on each \
                  group's records apart, and their rows get the group's fields.",
        examples: &[
            "* | transactionize src_ip, user as session maxSpan=10m, maxLogs=100 | fields session, session_size, src_ip, user",
            "* | transactionize src_ip (merge src_ip takeFirst, _raw join with \"\\n\\n\")",
        ],
    },
    OperatorDoc {
        name: "merge",
        aliases: &[],
        syntax: "merge\nmerge FIELD [takeFirst|takeLast|takeDistinct|join [with \"SEP\"]] [as NAME][, …]",
        summary: "Reduces all the records it receives (or, inside `transactionize (…)`, a \
                  group's) to one, taken in `_messageTime` order: `takeFirst` and `takeLast` keep \
                  the earliest and latest value (nulls skipped), `takeDistinct` joins each \
                  distinct value once with new lines, and `join [with \"SEP\"]` (the default) \
                  joins every value with SEP, a new line unless given. A bare `merge` joins \
                  `_raw` with new lines and keeps the earliest `_messageTime`, which takes only \
                  `takeFirst` or `takeLast`.",
        examples: &[
            "* | merge dest_port join with \"--\", _messageTime takeLast",
            "* | merge src_ip takeDistinct as sources, _raw",
        ],
    },
    OperatorDoc {
        name: "sessionize",
        aliases: &[],
        syntax: "sessionize \"PATTERN\" as (FIELD[, FIELD…]), \"PATTERN\" as ([FIELD…])[, …]",
        summary: "Weaves records into sessions with two or more anchor patterns, each looked for \
                  in `_raw` as `parse` does (`*` captures the text up to the next anchor, a \
                  last `*` the rest of the line). The first pattern starts a session at each \
                  record it finds; each later pattern extends every session so far with each \
                  record it finds whose `$FIELD`s (parsed like `*`s; each must name a field of \
                  an earlier pattern) and fields captured again equal the session's values, \
                  as an inner join on them would. A record serves a session once; \
                  a capture named `_` is left out. The records of each complete session pass \
                  on, in the order of the patterns, with every field the session captured; \
                  sessions come newest first by their first record. Other records are left \
                  out.",
        examples: &[
            "* | sessionize \"requestId=* started\" as (requestId), \"requestId=$requestId completed in * ms\" as (duration)",
            "* | sessionize \"user=* login from *\" as (user, ip), \"user=$user logout after * s\" as (_) | count by user",
        ],
    },
    OperatorDoc {
        name: "trace",
        aliases: &[],
        syntax: "trace [+|-] \"REGEX\" \"START\"",
        summary: "Follows a chain of IDs from START: each match of REGEX in `_raw` gives an ID, \
                  its first group. Records are taken oldest first (with `-`, newest first); a \
                  record holding an ID of the chain is kept, and all its IDs join the chain, so \
                  a record that holds both a known and a new ID links the new one. Other \
                  records are left out; the records kept come newest first. IDs match exactly, \
                  letter case included.",
        examples: &[
            "* | trace \"ID=([0-9a-fA-F]{4})\" \"7F92\" | where _raw matches \"*ERROR*\"",
            "* | trace - \"host=(\\S+)\" \"WIN3.example.com\"",
        ],
    },
    OperatorDoc {
        name: "withtime",
        aliases: &[],
        syntax: "withtime FIELD",
        summary: "Adds `FIELD_withtime`, the field's value paired with its record's \
                  `_messageTime`, as a JSON object (`{\"value\":\"up\",\"time\":1700000000000}`); \
                  null when the record has no value or no time. `most_recent` and \
                  `least_recent` over a `withtime` field go by the paired time and return the \
                  value.",
        examples: &["* | parse \"status=*\" as status | withtime status | most_recent(status_withtime) by _sourceHost"],
    },
    OperatorDoc {
        name: "predict",
        aliases: &[],
        syntax: "predict FIELD by WIDTH [forecast=N|forecast=DURATION]",
        summary: "Fits a linear model to a numeric series of rows aggregated by `_timeslice`: \
                  the least-squares line through the points, each placed at its slice's \
                  distance from the first slice in slices of WIDTH. Rows come in `_timeslice` \
                  order with `FIELD_predicted` (the line's value) and `FIELD_error` (the \
                  line's value minus the field); a slice missing between the first and the \
                  last is added with the field 0, with a warning (`fillmissing` chooses \
                  another value). `forecast` slices past the last (3 unless given; a duration \
                  counts the whole slices within it; at most 100) are added with \
                  `_timeslice` and `FIELD_predicted` only. The model is fitted to the latest \
                  10,000 points. Sumo's auto-regressive model (`model=ar`, `ar.window=`) is \
                  refused: its algorithm is not documented.",
        examples: &[
            "* | timeslice 1m | count by _timeslice | predict _count by 1m",
            "* | timeslice 5m | sum(bytes) as bytes by _timeslice | predict bytes by 5m forecast=1h",
        ],
    },
    OperatorDoc {
        name: "filter",
        aliases: &[],
        syntax: "filter FIELD[, FIELD…] in (STAGE | …)",
        summary: "Follows an aggregation and keeps the rows its child query selects: the stages \
                  in parentheses run over the same rows, and a row is kept when its values of \
                  the fields are those of one of the child's rows (every field must be a \
                  column of the child's rows). The rows keep their order and columns. The \
                  child cannot hold `compare` or `filter`. At most 100,000 rows are taken.",
        examples: &[
            "* | timeslice 1m | count by _timeslice, _sourceHost | filter _sourceHost in (outlier _count by _sourceHost | where _count_violation > 0)",
            "* | timeslice 1m | count by _timeslice, _sourceHost | filter _sourceHost in (sum(_count) by _sourceHost | top 2 _sourceHost by _sum)",
        ],
    },
    OperatorDoc {
        name: "compare",
        aliases: &[],
        syntax: "compare [with] timeshift DURATION [N] [avg|min|max] [as NAME][, [with] timeshift …]",
        summary: "After an aggregation, runs the query up to `compare` again over the run's time \
                  range moved back by the shift (N times, each a shift further back; at most 7 \
                  runs in all, as in Sumo) and sets the earlier values beside each row: \
                  `_count_1d` for `timeshift 1d`, `_count_1d` … `_count_3d` for `timeshift 1d \
                  3`, `_count_7d_avg` for `timeshift 1d 7 avg` (the average, smallest or \
                  largest of the numbers the earlier ranges give), `_count_NAME` with `as \
                  NAME`. Rows match on the aggregation's group fields, an earlier range's \
                  `_timeslice` moved forward by its shift; a key found in only one range has \
                  nulls in the others, and rows come out in ascending key order. The run needs \
                  a time range (`--from`/`--to` or `--last`), and records outside it are read \
                  for the earlier ranges.",
        examples: &[
            "* | timeslice 1h | count by _timeslice | compare with timeshift 1d",
            "* | timeslice 30m | count by _timeslice | compare timeshift 1d 7 avg | where _count > 2 * _count_7d_avg",
            "* | count by src_ip | compare timeshift 1d as yesterday, timeshift 1w 3 max",
        ],
    },
    OperatorDoc {
        name: "lookup",
        aliases: &[],
        syntax: "lookup COLUMN [as NAME][, …] from file://PATH.csv on FIELD=COLUMN[, FIELD=COLUMN]\n\
                 lookup COLUMN [as NAME][, …] from path://\"NAME\" on FIELD=COLUMN[, …]",
        summary: "Enriches records from a CSV table with a header row: the log field on the left \
                  of `=` is matched against the table's column on the right. Without a match the \
                  new fields are null; when keys repeat, the last row wins (with a warning). \
                  `path://\"NAME\"` names a table of the table folder (the file NAME.csv under \
                  --tables DIR, else $SUMOQL_TABLES, else ~/.local/share/sumoql/tables), as \
                  `save` writes it; its keys match without regard to case.",
        examples: &[
            "* | lookup owner, site from file://examples/tables/assets.csv on src_ip=ip",
            "* | lookup cell as c1 from path://\"/Library/Users/me/Suspicious Users\" on userEmail=email",
        ],
    },
    OperatorDoc {
        name: "lookupContains",
        aliases: &[],
        syntax: "where lookupContains(path://\"NAME\", FIELD=COLUMN[ AND FIELD=COLUMN…])\n\
                 lookupContains(path://\"NAME\", FIELD=COLUMN[ AND …]) as NAME\n\
                 lookupContains(\"PATH.csv\", FIELD=COLUMN[ AND …])",
        summary: "Tests whether a record's fields are a key of a lookup table: true when one row \
                  of the table holds, in every named column, the value of the field matched to \
                  it, false otherwise (also when a field is null). It is a boolean expression, \
                  for `where` and `if`, or a bare stage with `as`. `path://\"NAME\"` names a \
                  table of the table folder, as `lookup` and `save` do, whose keys match \
                  without regard to case; a quoted path names a CSV file, matched exactly. The \
                  table is read once, when the query is planned.",
        examples: &[
            "* | where lookupContains(path://\"/Library/Users/me/suspicious-users\", userID=user)",
            "* | where lookupContains(path://\"/Library/Users/me/suspicious-users\", userID=user AND userIP=sourceIP)",
            "* | lookupContains(path://\"/Library/Users/me/suspicious-users\", userID=user) as suspicious | where suspicious = true",
        ],
    },
    OperatorDoc {
        name: "geoip",
        aliases: &[],
        syntax: "geoip FIELD [OPTIONAL_FIELD, …]\n\
                 lookup latitude, longitude[, …] from geo://location on ip=FIELD\n\
                 lookup asn, organization[, …] from asn://default on ip=FIELD",
        summary: "Places an IP address with a MaxMind City database (GeoLite2-City.mmdb, named \
                  with --geoip-db FILE or $SUMOQL_GEOIP_DB): latitude, longitude (at most five \
                  decimals), country_code, country_name, city and state (the first \
                  subdivision's name), and the optional region (its ISO code), continent, \
                  postal_code, connection_type, country_cf, state_cf and city_cf (MaxMind's \
                  confidences). `lookup ... from geo://location` gives the same fields; \
                  `lookup ... from asn://default` gives asn and organization \
                  (registering_organization and carrier_organization are the same name) from \
                  an ASN database (--asn-db FILE or $SUMOQL_ASN_DB). An address the database \
                  does not place (an internal one, say), or text that is not an address, gives \
                  nulls; a query whose database is not named is an error saying how to name it.",
        examples: &[
            "* | geoip src_ip | count by latitude, longitude | sort _count",
            "* | geoip src_ip region, continent | if(isNull(country_code), \"unknown\", country_code) as country_code",
            "* | lookup organization, asn from asn://default on ip = src_ip | count by organization",
        ],
    },
    OperatorDoc {
        name: "threatip",
        aliases: &[],
        syntax: "threatip FIELD",
        summary: "Looks the IP address in a field up in the indicator file (named with \
                  --threat-intel FILE or $SUMOQL_THREAT_INTEL; CSV, normalized JSON or STIX 2.1 \
                  JSON, as Sumo's threat intelligence upload takes them) and sets `actor`, \
                  `malicious_confidence`, `raw_threat` (the indicator as JSON) and `type` from \
                  the best IP indicator (`ipv4-addr`, `ipv6-addr`) of that address: the highest \
                  confidence, then the latest update, then the first in the file. \
                  `malicious_confidence` names the confidence as Sumo's threat dashboards do: \
                  `high` from 85, `medium` from 50, `low` from 15, else `unverified`. An address \
                  with no indicator keeps its record, the four fields null. Addresses match as \
                  addresses; validity times are given, not enforced.",
        examples: &[
            "* | parse regex \"(?<ip_address>\\b\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3})\" | threatip ip_address | where !(isNull(malicious_confidence))",
            "* | threatip src_ip | count by malicious_confidence, actor",
        ],
    },
    OperatorDoc {
        name: "threatlookup",
        aliases: &[],
        syntax: "threatlookup [singleIndicator] [source=\"NAME\"] FIELD",
        summary: "Looks a field's value up among every indicator of the indicator file \
                  (--threat-intel FILE, as for `threatip`) and sets `_threatlookup.actors`, \
                  `.confidence`, `.fields`, `.id`, `.imported`, `.indicator`, `.kill_chain`, \
                  `.source`, `.threat_type`, `.type`, `.updated`, `.valid_from` and \
                  `.valid_until` (the times in epoch seconds, the confidence a number). Each \
                  matching indicator gives a row of its own; with `singleIndicator` only the \
                  best one does (highest confidence, then latest update, then first in the \
                  file), and `_threatlookup.num_matches` counts the matches. `source=` keeps \
                  one source's indicators (any case). A value with no match keeps its record, \
                  the fields null. Addresses match as addresses; domains, e-mail addresses, \
                  file hashes and names without regard to case; URLs and the rest exactly. In \
                  STIX files, each `[OBJECT:PATH = 'value']` comparison of a pattern (joined by \
                  OR) is an indicator, typed by its object (`ipv4-addr`, `url`, `file`…); \
                  patterns with other operators are skipped with a warning. A STIX indicator \
                  has the bundle's `source`, else the file's name.",
        examples: &[
            "* | threatlookup singleIndicator srcDevice_ip | where _threatlookup.confidence > 50 | timeslice 1h | count by _timeslice",
            "* | threatlookup source=\"mysource\" srcDevice_ip | where !isNull(_threatlookup.source)",
        ],
    },
    OperatorDoc {
        name: "logreduce",
        aliases: &[],
        syntax: "logreduce [field=FIELD | (FIELD)] [by FIELD, …] [limit=N][, criteria=mostcommon|leastcommon]",
        summary: "Groups the records by the signature of their text (`_raw`, or the field \
                  named) and gives one row per signature: the `by` fields, `signature` and \
                  `_count`. The signature is found by a fixed algorithm, so a run gives the \
                  same rows every time: the text is cut into words at white space; a word \
                  holding `://` becomes `$URL`, a date or time of day (`2024-03-01`, \
                  `08:40:01`, a month name; the words of one date make one) `$DATE`, and any \
                  other word holding a digit the wildcard `**********`; in Sumo's order \
                  (newest first), within each `by` group, a message joins the first signature \
                  with as many words that agrees with it at half the positions or more (a \
                  wildcard agreeing with any word), the positions that disagree becoming \
                  wildcards, else it starts a signature (past 10,000 signatures in a group, \
                  such messages count under `Others`, with a warning). Signatures whose text \
                  ends up the same are one. Rows come rarest first (our reading of Sumo's default, the \
                  most anomalous; also `criteria=leastcommon`), or most common first with \
                  `criteria=mostcommon`, ties by the `by` values and the signature; `limit` \
                  keeps the first N rows. A record whose field is null is left out. \
                  `logreduce keys`, `values`, `optimize` and `details` are refused by name.",
        examples: &[
            "* | logreduce",
            "* | json \"resource\", \"partition\", \"region\" | logreduce(partition) by region limit=5,criteria=mostcommon",
            "* | timeslice 1m | logreduce by _timeslice limit=5,criteria=mostcommon | transpose row _timeslice column signature",
        ],
    },
    OperatorDoc {
        name: "save",
        aliases: &[],
        syntax: "save [append] path://\"NAME\"",
        summary: "Writes the rows to the table NAME of the table folder (NAME.csv under --tables \
                  DIR, else $SUMOQL_TABLES, else ~/.local/share/sumoql/tables), its header the \
                  columns, at the end of the run; the rows still pass on. Without `append` the \
                  table is replaced; with it, the rows merge by the first column (the table's \
                  key): a row whose first cell matches an old row's replaces it, the others are \
                  added at the end, and a table with other columns is left as it is, with a \
                  warning. The columns must be known: use it after `fields` or an aggregation. \
                  `lookup ... from path://\"NAME\"` reads the table back.",
        examples: &[
            "* | first(date) as date, first(action) as action by name | save path://\"/Library/Users/me/Users\"",
            "* | count by src_ip | save append path://\"watch/seen_sources\"",
        ],
    },
    OperatorDoc {
        name: "bin",
        aliases: &[],
        syntax: "bin FIELD width=W[, min=A][, max=B]",
        summary: "Assigns each record to a histogram bin of a numeric field: `_bin_lower` and \
                  `_bin_upper` are the bounds of the bin its value falls in and `_bin_label` \
                  reads `[lower, upper)`. Bins are `W` wide, aligned to `min` (to 0 without \
                  it); values below `min` fall in the first bin, and values at or above `max` \
                  in the last, the one just below `max`. A value that is not a number gives \
                  null bounds and counts a cast warning.",
        examples: &[
            "* | bin bytes_out width=1000 | count by _bin_label, _bin_lower | sort by _bin_lower",
            "* | bin bytes_out width=100, min=0, max=1000 | count by _bin_upper",
        ],
    },
    OperatorDoc {
        name: "cat",
        aliases: &[],
        syntax: "cat path://\"NAME\" [| STAGE…]\ncat file://PATH.csv [| STAGE…]",
        summary: "Written in place of the search scope, lists a table instead of searching \
                  logs: each row of the CSV table (a header row naming the columns first) is a \
                  record, its cells text, and the stages after it run over those records. \
                  `path://\"NAME\"` names a table of the table folder as `lookup` and `save` \
                  do (NAME.csv under --tables DIR, else $SUMOQL_TABLES, else \
                  ~/.local/share/sumoql/tables), so a table `save` wrote lists back; \
                  `file://` names a CSV file by its path. No logs are read, and a run given \
                  log paths says they were not read.",
        examples: &[
            "cat path://\"/Library/Users/me/Users\"",
            "cat file://examples/tables/assets.csv | count by site",
        ],
    },
    OperatorDoc {
        name: "transpose",
        aliases: &[],
        syntax: "transpose row FIELD[, …] column FIELD[, …]",
        summary: "Pivots aggregated rows: one row per value of the `row` fields, one column per \
                  value of the `column` field (sorted by value), holding the one remaining \
                  field (null where none).",
        examples: &["* | count by src_ip, action | transpose row src_ip column action"],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_aliases_are_unique() {
        let mut seen = Vec::new();
        for doc in OPERATOR_DOCS {
            for name in std::iter::once(&doc.name).chain(doc.aliases) {
                assert!(!seen.contains(name), "{name} is documented twice");
                seen.push(name);
            }
        }
        assert_eq!(operator_doc("ORDER").map(|d| d.name), Some("sort"));
        assert_eq!(operator_doc("kv").map(|d| d.name), Some("keyvalue"));
    }

    /// Every example of the reference parses.
    #[test]
    fn every_example_parses() {
        for doc in OPERATOR_DOCS {
            for example in doc.examples {
                assert!(
                    crate::parse_query(example).is_ok(),
                    "the {} example `{example}` does not parse",
                    doc.name
                );
            }
        }
    }

    /// Every operator the parser runs is documented, and every documented one runs.
    #[test]
    fn the_catalog_covers_the_parser() {
        for name in crate::OPERATORS {
            assert!(operator_doc(name).is_some(), "{name} has no doc");
        }
        for doc in OPERATOR_DOCS {
            // `as` and `count` stand for Sumo's bare stages, which have no keyword; `cat`
            // stands in place of the scope and a subquery in brackets; `lookupContains` is an
            // expression.
            if !["as", "count", "cat", "subquery", "lookupContains"].contains(&doc.name) {
                assert!(
                    crate::OPERATORS.contains(&doc.name),
                    "{} is not run",
                    doc.name
                );
            }
        }
    }
}
