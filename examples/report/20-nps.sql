-- 20-nps.sql: Net Promoter Score overall and by segment (docs/nps.md).
-- Run: sqlite3 -cmd '.load dist/success' examples/demo.db < examples/report/20-nps.sql
.mode box
.print "== NPS: overall and by segment =="
SELECT 'all'                                      AS segment,
       count(score)                               AS responses,
       sum(nps_category(score) = 'promoter')      AS promoters,
       sum(nps_category(score) = 'passive')       AS passives,
       sum(nps_category(score) = 'detractor')     AS detractors,
       round(nps(score), 1)                       AS nps
FROM nps_responses
UNION ALL
SELECT segment, responses, promoters, passives, detractors, round(nps, 1)
FROM (SELECT * FROM nps_by_segment ORDER BY nps DESC);

.print "== NPS: latest answer of each account, by health band =="
SELECT coalesce(h.band, '(no data)')              AS band,
       count(*)                                   AS accounts,
       round(nps(n.score), 1)                     AS nps_latest
FROM account_nps AS n
JOIN account_health AS h USING (customer_id)
GROUP BY h.band
ORDER BY min(h.score);
