-- bench/sumo/count_by_session.sumo in SQL.
-- A record without session_id joins the null group (D2), as GROUP BY does; groups come out in
-- ascending key order with null first (D18), which sumoql guarantees and ORDER BY reproduces.
SELECT session_id, count(*) AS "_count"
FROM read_ndjson(
    getvariable('bench_path'),
    columns = {'session_id': 'VARCHAR'}
)
GROUP BY session_id
ORDER BY session_id ASC NULLS FIRST
