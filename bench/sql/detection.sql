-- queries/t1071_002_file_transfer_protocols.sumo in SQL, with sumoql's semantics (DESIGN §2).
-- Every JSON scalar is read as text (D6), so the `in` lists compare text with text, exactly:
-- a JSON 21 and a JSON "21" both match "21".
WITH source AS (
    SELECT *
    FROM read_ndjson(
        getvariable('bench_path'),
        columns = {
            'timestamp': 'VARCHAR',
            '_sourceCategory': 'VARCHAR',
            'src_ip': 'VARCHAR',
            'dest_ip': 'VARCHAR',
            'dest_port': 'VARCHAR',
            'action': 'VARCHAR',
            'user': 'VARCHAR',
            'process_name': 'VARCHAR',
            'bytes_out': 'VARCHAR',
            'bytes_in': 'VARCHAR'
        }
    )
),
connections AS (
    SELECT
        src_ip,
        dest_ip,
        dest_port,
        "user",
        process_name,
        bytes_out,
        bytes_in,
        -- _messageTime (D9): the bench data always carries `timestamp`, either ISO-8601 text or
        -- an epoch number whose unit follows from its magnitude (s, ms, µs, ns). Fractional or
        -- negative epochs and unreadable text (sumoql: receipt time) are not handled here.
        TRY_CAST(CASE WHEN "timestamp" ~ '^[0-9]{1,20}$' THEN "timestamp" END AS HUGEINT)
            AS epoch_number,
        epoch_ms(TRY_CAST("timestamp" AS TIMESTAMPTZ)) AS iso_time
    FROM source
    -- Scope: whole-value, case-insensitive matches on _sourceCategory (D8).
    WHERE lower("_sourceCategory") IN (
        'network/firewall', 'network/paloalto', 'network/cisco/asa', 'network/fortinet'
    )
      AND dest_port IN ('20', '21', '69', '139', '445', '990')
      AND action IN ('allow', 'allowed', 'permit', 'accept', 'built')
      -- isPrivateIP (D3, D4): a dest_ip that is not a dotted-quad IPv4 address (octets 0-255
      -- without leading zeros; IPv6, other text, null) drops the record; otherwise the record
      -- stays when the address is outside 10/8, 172.16/12 and 192.168/16.
      AND regexp_full_match(
          dest_ip,
          '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}'
      )
      AND NOT regexp_matches(dest_ip, '^(10\.|172\.(1[6-9]|2[0-9]|3[01])\.|192\.168\.)')
      AND dest_ip <> '0.0.0.0'
),
typed AS (
    SELECT
        *,
        CASE
            WHEN epoch_number IS NULL THEN iso_time
            WHEN epoch_number < 100000000000 THEN epoch_number * 1000
            WHEN epoch_number < 100000000000000 THEN epoch_number
            WHEN epoch_number < 100000000000000000 THEN epoch_number // 1000
            ELSE epoch_number // 1000000
        END AS message_time,
        CASE
            WHEN dest_port IN ('20', '21', '990') THEN 'FTP/FTPS'
            WHEN dest_port IN ('445', '139') THEN 'SMB'
            WHEN dest_port = '69' THEN 'TFTP'
            ELSE 'Unknown'
        END AS "Protocol",
        -- toLong (D10): integer text gives the integer, other numeric text the value truncated
        -- toward zero, anything else null; isNull(x) is true for a missing or null x (D11).
        CASE
            WHEN coalesce(bytes_out, '0') ~ '^[+-]?[0-9]+$'
                THEN TRY_CAST(coalesce(bytes_out, '0') AS BIGINT)
            WHEN coalesce(bytes_out, '0') ~ '^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$'
                THEN TRY_CAST(trunc(CAST(coalesce(bytes_out, '0') AS DOUBLE)) AS BIGINT)
        END AS "BytesSent",
        CASE
            WHEN coalesce(bytes_in, '0') ~ '^[+-]?[0-9]+$'
                THEN TRY_CAST(coalesce(bytes_in, '0') AS BIGINT)
            WHEN coalesce(bytes_in, '0') ~ '^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$'
                THEN TRY_CAST(trunc(CAST(coalesce(bytes_in, '0') AS DOUBLE)) AS BIGINT)
        END AS "BytesReceived"
    FROM connections
),
grouped AS (
    -- A null key (e.g. a missing process_name) forms a group of its own (D2), as GROUP BY does.
    SELECT
        src_ip,
        dest_ip,
        dest_port,
        "Protocol",
        process_name,
        count(*) AS "ConnectionCount",
        sum("BytesSent") AS "TotalBytesSent",
        sum("BytesReceived") AS "TotalBytesReceived",
        min(message_time) AS "FirstSeen",
        max(message_time) AS "LastSeen",
        -- values (D14): distinct non-null values in byte order, at most 100.
        list_sort(list_distinct(list("user")))[1:100] AS "Users"
    FROM typed
    GROUP BY src_ip, dest_ip, dest_port, "Protocol", process_name
)
SELECT
    strftime(epoch_ms(CAST("LastSeen" AS BIGINT)), '%Y-%m-%d %H:%M:%S') AS "LastSeen",
    strftime(epoch_ms(CAST("FirstSeen" AS BIGINT)), '%Y-%m-%d %H:%M:%S') AS "FirstSeen",
    src_ip,
    dest_ip,
    dest_port,
    "Protocol",
    process_name,
    "Users",
    "ConnectionCount",
    "TotalBytesSent",
    "TotalBytesReceived",
    -- A null total compares as null, and if(null, a, b) is b (D5, D20): LOW.
    CASE
        WHEN "TotalBytesSent" > 10485760 THEN 'HIGH'
        WHEN "TotalBytesSent" > 1048576 THEN 'MEDIUM'
        ELSE 'LOW'
    END AS "ExfilRisk"
FROM grouped
WHERE "ConnectionCount" > 3
-- sort by ConnectionCount desc; ties keep the aggregation's order, ascending by the group key
-- tuple with null first and text in byte order (D18).
ORDER BY
    "ConnectionCount" DESC,
    src_ip ASC NULLS FIRST,
    dest_ip ASC NULLS FIRST,
    dest_port ASC NULLS FIRST,
    "Protocol" ASC NULLS FIRST,
    process_name ASC NULLS FIRST
