-- 10-health.sql: ready-made health views over the canonical schema
-- (sql/schema.sql), built with the extension (docs/health.md).
--
--   health_current_measures  one row per (account, scorecard measure): the
--                            latest value (NULL when never measured or
--                            measured as NULL) and its 0..100 score
--   account_health           per account: current health score, band,
--                            measures present and missing
--   account_health_drivers   per account: the JSON explanation of the score
--                            and the measure losing the most points
--   account_success_vector   per account: the trend of health_history over
--                            the 90 days up to its latest observation
--   health_backtest          per renewal: the health score about 60 days
--                            before (latest health_history on or before
--                            renewal_date - 60 days), its band, the outcome
--
-- The latest row per (customer, measure) is the current value, even when
-- that value is NULL (missing data is shown, not replaced by older data).

CREATE VIEW IF NOT EXISTS health_current_measures AS
WITH latest AS (
  SELECT customer_id, measure, max(at) AS at, value
  FROM health_measures
  GROUP BY customer_id, measure
)
SELECT a.customer_id, s.measure, l.at, l.value, s.weight,
       health_scale(l.value, s.worst, s.best) AS score
FROM accounts AS a
CROSS JOIN scorecard AS s
LEFT JOIN latest AS l ON l.customer_id = a.customer_id AND l.measure = s.measure;

CREATE VIEW IF NOT EXISTS account_health AS
SELECT customer_id, score, health_band(score) AS band, measures, missing
FROM (
  SELECT customer_id,
         health_score(score, weight) AS score,
         count(score)                AS measures,
         count(*) - count(score)     AS missing
  FROM health_current_measures
  GROUP BY customer_id
);

CREATE VIEW IF NOT EXISTS account_health_drivers AS
SELECT customer_id, drivers,
       drivers ->> '$[0].measure' AS top_driver,
       drivers ->> '$[0].lost'    AS top_lost
FROM (
  SELECT customer_id, health_drivers(measure, score, weight) AS drivers
  FROM health_current_measures
  GROUP BY customer_id
);

CREATE VIEW IF NOT EXISTS account_success_vector AS
WITH last AS (
  SELECT customer_id, max(at) AS last_at
  FROM health_history
  GROUP BY customer_id
)
SELECT h.customer_id,
       l.last_at,
       count(h.score)                AS observations,
       health_trend(h.at, h.score)   AS trend_90d,
       success_vector(h.at, h.score) AS vector
FROM health_history AS h
JOIN last AS l ON l.customer_id = h.customer_id
WHERE h.at >= date(l.last_at, '-90 days')
GROUP BY h.customer_id;

CREATE VIEW IF NOT EXISTS health_backtest AS
SELECT customer_id, renewal_date, renewed, score_60d,
       health_band(score_60d) AS band_60d
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
