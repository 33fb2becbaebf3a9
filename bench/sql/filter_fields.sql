-- bench/sumo/filter_fields.sumo in SQL.
-- Every JSON scalar is read as text (D6): dest_port = "22" compares text with text, exactly,
-- so a JSON 22 and a JSON "22" both match.
-- The scope term _sourceCategory=network/paloalto matches the whole value, case-insensitively (D8).
SELECT src_ip, dest_ip, bytes_out
FROM read_ndjson(
    getvariable('bench_path'),
    columns = {
        '_sourceCategory': 'VARCHAR',
        'src_ip': 'VARCHAR',
        'dest_ip': 'VARCHAR',
        'dest_port': 'VARCHAR',
        'bytes_out': 'VARCHAR'
    }
)
WHERE lower("_sourceCategory") = 'network/paloalto'
  AND dest_port = '22'
