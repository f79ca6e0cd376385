-- health.sql: the results of sql/views/10-health.sql in plain SQL (no
-- extension), as temp views named ref_<view>. Used by tests/health*.test
-- (differential checks) and bench/health.tcl (the baseline).
--
-- health_scale(value, worst, best)   CASE clamp of 100*(value-worst)/(best-worst)
-- health_score(score, weight)        sum(w*s) / sum(w) over rows with a score
-- health_band(score)                 CASE on 75 / 50 / 25
-- health_drivers(...)                one row per measure with its rank
-- health_trend(at, score)            30 * (n*Sts - St*Ss) / (n*Stt - St*St),
--                                    t in days; NULL below 2 distinct dates
-- success_vector(at, score)          CASE on the trend and +-2
-- roc_auc(score, outcome)            pairs (positive, negative): 1 when the
--                                    positive scores higher, 1/2 on a tie

CREATE TEMP VIEW IF NOT EXISTS ref_health_current_measures AS
WITH latest AS (
  SELECT customer_id, measure, max(at) AS at, value
  FROM health_measures
  GROUP BY customer_id, measure
)
SELECT a.customer_id, s.measure, l.at, l.value, s.weight,
       CASE
         WHEN l.value IS NULL THEN NULL
         WHEN s.best > s.worst THEN
           CASE WHEN l.value <= s.worst THEN 0.0
                WHEN l.value >= s.best THEN 100.0
                ELSE 100.0 * (l.value - s.worst) / (s.best - s.worst) END
         ELSE
           CASE WHEN l.value >= s.worst THEN 0.0
                WHEN l.value <= s.best THEN 100.0
                ELSE 100.0 * (l.value - s.worst) / (s.best - s.worst) END
       END AS score
FROM accounts AS a
CROSS JOIN scorecard AS s
LEFT JOIN latest AS l ON l.customer_id = a.customer_id AND l.measure = s.measure;

CREATE TEMP VIEW IF NOT EXISTS ref_account_health AS
SELECT customer_id, score,
       CASE WHEN score IS NULL THEN NULL
            WHEN score >= 75 THEN 'green'
            WHEN score >= 50 THEN 'yellow'
            WHEN score >= 25 THEN 'orange'
            ELSE 'red' END AS band,
       measures, missing
FROM (
  SELECT customer_id,
         sum(score * weight)
           / nullif(sum(CASE WHEN score IS NOT NULL THEN weight END), 0) AS score,
         count(score)            AS measures,
         count(*) - count(score) AS missing
  FROM ref_health_current_measures
  GROUP BY customer_id
);

-- One row per (account, measure) in the order of the drivers array (pos 0
-- first): scored measures by lost desc, measure; then unscored by measure.
CREATE TEMP VIEW IF NOT EXISTS ref_account_health_drivers AS
WITH w AS (
  SELECT customer_id, measure, score, weight,
         sum(CASE WHEN score IS NOT NULL THEN weight END)
           OVER (PARTITION BY customer_id) AS total
  FROM ref_health_current_measures
), d AS (
  SELECT customer_id, measure, score,
         CASE WHEN total > 0 AND score IS NOT NULL THEN weight / total END AS share
  FROM w
)
SELECT customer_id,
       row_number() OVER (PARTITION BY customer_id
                          ORDER BY score IS NULL, share * (100 - score) DESC,
                                   measure) - 1 AS pos,
       measure, score, share,
       share * score         AS points,
       share * (100 - score) AS lost
FROM d;

CREATE TEMP VIEW IF NOT EXISTS ref_account_success_vector AS
WITH last AS (
  SELECT customer_id, max(at) AS last_at
  FROM health_history
  GROUP BY customer_id
), pts AS (
  SELECT h.customer_id, l.last_at, h.score AS s,
         CASE WHEN h.score IS NOT NULL
              THEN julianday(h.at) - julianday(l.last_at) END AS t
  FROM health_history AS h
  JOIN last AS l ON l.customer_id = h.customer_id
  WHERE h.at >= date(l.last_at, '-90 days')
), sums AS (
  SELECT customer_id, last_at,
         count(s) AS n, count(DISTINCT t) AS dates,
         sum(t) AS st, sum(s) AS ss, sum(t * t) AS stt, sum(t * s) AS sts
  FROM pts
  GROUP BY customer_id
), trend AS (
  SELECT customer_id, last_at, n AS observations,
         CASE WHEN dates >= 2
              THEN 30.0 * (n * sts - st * ss) / (n * stt - st * st) END AS trend_90d
  FROM sums
)
SELECT customer_id, last_at, observations, trend_90d,
       CASE WHEN trend_90d IS NULL THEN NULL
            WHEN trend_90d >= 2 THEN 'improving'
            WHEN trend_90d <= -2 THEN 'declining'
            ELSE 'steady' END AS vector
FROM trend;

CREATE TEMP VIEW IF NOT EXISTS ref_health_backtest AS
SELECT customer_id, renewal_date, renewed, score_60d,
       CASE WHEN score_60d IS NULL THEN NULL
            WHEN score_60d >= 75 THEN 'green'
            WHEN score_60d >= 50 THEN 'yellow'
            WHEN score_60d >= 25 THEN 'orange'
            ELSE 'red' END AS band_60d
FROM (
  SELECT r.customer_id, r.renewal_date, r.renewed,
         (SELECT h.score
          FROM health_history AS h
          WHERE h.customer_id = r.customer_id
            AND h.at <= date(r.renewal_date, '-60 days')
          ORDER BY h.at DESC
          LIMIT 1) AS score_60d
  FROM renewals AS r
);

-- roc_auc(score_60d, renewed) and brier_score(score_60d / 100, renewed)
-- over the backtest, by counting pairs.
CREATE TEMP VIEW IF NOT EXISTS ref_health_backtest_summary AS
WITH b AS (
  SELECT score_60d AS s, renewed AS o FROM ref_health_backtest
  WHERE score_60d IS NOT NULL
)
SELECT (SELECT sum(CASE WHEN p.s > q.s THEN 1.0 WHEN p.s = q.s THEN 0.5
                        ELSE 0.0 END) / count(*)
        FROM b AS p JOIN b AS q ON p.o = 1 AND q.o = 0) AS auc,
       (SELECT avg((s / 100.0 - o) * (s / 100.0 - o)) FROM b) AS brier;
