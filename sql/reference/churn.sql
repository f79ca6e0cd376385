-- churn.sql -- the pure-SQL reference of churn_classification (SPEC 7),
-- built on ref_mrr_moves of sql/reference/revenue.sql (read that first).
-- Used by tests/churn.test (differential checks).
--
-- Input: mrr_history, health_history(customer_id, at, score) and
-- churn_reasons(customer_id, period, reason, avoidable), the canonical
-- tables. Parameters: the temp view ref_churn_params (lead_days,
-- window_days, kinds: 'churn' or 'churn,contraction'); to change them:
--   DROP VIEW temp.ref_churn_params;
--   CREATE TEMP VIEW ref_churn_params(lead_days, window_days, kinds)
--     AS SELECT 10, 90, 'churn,contraction';
-- Output: temp view ref_churn_classification(customer_id, period, kind,
-- lost_mrr, expected, avoidable, class, severity, reason).

CREATE TEMP VIEW IF NOT EXISTS ref_churn_params(lead_days, window_days, kinds)
  AS SELECT 30, 180, 'churn';

DROP VIEW IF EXISTS temp.ref_churn_classification;

CREATE TEMP VIEW ref_churn_classification AS
WITH
p AS (SELECT * FROM ref_churn_params),
g AS (SELECT grain FROM ref_revenue_grain),
-- the first day of each period index at the grain
moves AS (
  SELECT m.*,
         CASE (SELECT grain FROM g)
           WHEN 'month'   THEN printf('%04d-%02d-01', pidx / 12, pidx % 12 + 1)
           WHEN 'quarter' THEN printf('%04d-%02d-01', pidx / 4, pidx % 4 * 3 + 1)
           ELSE printf('%04d-01-01', pidx)
         END AS churn_day
  FROM ref_mrr_moves m
  WHERE instr(',' || replace((SELECT kinds FROM p), ' ', '') || ',',
              ',' || movement || ',') > 0
),
-- reasons with their period as an index at the grain (as in revenue.sql)
reasons AS (
  SELECT customer_id AS k, reason, avoidable,
         CASE (SELECT grain FROM g)
           WHEN 'month'   THEN substr(ym, 1, 4) * 12 + substr(ym, 6, 2) - 1
           WHEN 'quarter' THEN substr(ym, 1, 4) * 4 + (substr(ym, 6, 2) - 1) / 3
           ELSE CAST(substr(ym, 1, 4) AS INTEGER)
         END AS pidx
  FROM (SELECT customer_id, reason, avoidable,
               strftime('%Y-%m',
                        CASE WHEN typeof(period) = 'text'
                              AND period GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]'
                             THEN period || '-01' ELSE period END,
                        'auto') AS ym
        FROM churn_reasons
        WHERE customer_id IS NOT NULL AND period IS NOT NULL
          AND avoidable IS NOT NULL)
),
classified AS (
  SELECT m.customer_id, m.pidx, m.period, m.movement AS kind,
         m.prev_mrr - m.mrr AS lost_mrr,
         EXISTS (SELECT 1 FROM health_history h
                 WHERE h.customer_id = m.customer_id AND h.score < 50
                   AND julianday(m.churn_day) - julianday(h.at, 'auto')
                       BETWEEN (SELECT lead_days FROM p)
                           AND (SELECT window_days FROM p)) AS expected,
         coalesce((SELECT max(avoidable) FROM reasons r
                   WHERE r.k = m.customer_id AND r.pidx = m.pidx), 1)
           AS avoidable
  FROM moves m
)
SELECT customer_id, period, kind, lost_mrr, expected, avoidable,
       CASE WHEN avoidable THEN iif(expected, 'expected_avoidable',
                                             'unexpected_avoidable')
            ELSE iif(expected, 'expected_unavoidable',
                               'unexpected_unavoidable') END AS class,
       iif(avoidable, 1, 3) + expected AS severity,
       (SELECT min(reason) FROM reasons r
        WHERE r.k = c.customer_id AND r.pidx = c.pidx
          AND r.avoidable = c.avoidable) AS reason
FROM classified c
ORDER BY customer_id, pidx;
