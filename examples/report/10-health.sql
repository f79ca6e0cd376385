-- 10-health.sql: health bands, what drives the worst scores, the Success
-- Vector, and whether the score predicted renewals (docs/health.md).
-- Run: sqlite3 -cmd '.load dist/success' examples/demo.db < examples/report/10-health.sql
.mode box
.print "== Health: bands of active accounts =="
SELECT coalesce(h.band, '(no data)')              AS band,
       count(*)                                   AS accounts,
       round(100.0 * count(*) / sum(count(*)) OVER (), 1) AS pct,
       round(avg(h.score), 1)                     AS avg_score,
       CAST(round(sum(a.mrr)) AS INTEGER)         AS mrr
FROM account_health AS h
JOIN accounts AS a USING (customer_id)
WHERE a.mrr > 0
GROUP BY h.band
ORDER BY min(h.score);

.print "== Health: the five active accounts losing the most points =="
SELECT a.name,
       a.segment,
       round(h.score, 1)    AS score,
       h.band,
       round(100 - h.score, 1) AS points_lost,
       d.top_driver,
       round(d.top_lost, 1) AS lost_to_it,
       h.missing            AS missing
FROM account_health AS h
JOIN accounts AS a USING (customer_id)
JOIN account_health_drivers AS d USING (customer_id)
WHERE a.mrr > 0 AND h.score IS NOT NULL
ORDER BY h.score, a.customer_id
LIMIT 5;

.print "== Health: Success Vector of active accounts (last 90 days) =="
SELECT coalesce(v.vector, '(too few points)') AS vector,
       count(*)                               AS accounts,
       round(avg(v.trend_90d), 1)             AS avg_trend_per_30d
FROM account_success_vector AS v
JOIN accounts AS a USING (customer_id)
WHERE a.mrr > 0
GROUP BY v.vector
ORDER BY avg(v.trend_90d) DESC NULLS LAST;

.print "== Health: backtest against renewals (score 60 days before) =="
SELECT count(*)                                     AS renewals,
       count(score_60d)                             AS with_score,
       round(roc_auc(score_60d, renewed), 3)        AS auc,
       round(brier_score(score_60d / 100.0, renewed), 3) AS brier
FROM health_backtest;

SELECT coalesce(band_60d, '(no score)')            AS band_60d_before,
       count(*)                                    AS renewals,
       count(*) - sum(renewed)                     AS churned,
       round(100.0 * (count(*) - sum(renewed)) / count(*), 1) AS churn_pct
FROM health_backtest
GROUP BY band_60d
ORDER BY min(score_60d) NULLS LAST;
