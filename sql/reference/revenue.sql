-- revenue.sql -- the pure-SQL reference of mrr_movements (SPEC 6): the
-- same rows, computed with LAG over a period spine, no extension needed.
-- Used by tests/revenue.test (differential checks) and bench/revenue.tcl
-- (the baseline).
--
-- Input: mrr_history(customer_id, month, mrr), the canonical table.
-- Grain: the temp view ref_revenue_grain (default 'month'); to change it:
--   DROP VIEW temp.ref_revenue_grain;
--   CREATE TEMP VIEW ref_revenue_grain(grain) AS SELECT 'quarter';
-- Output: temp view ref_mrr_movements(customer_id, period, prev_mrr, mrr,
-- delta, movement), and ref_mrr_moves with the period index (pidx) too.
--
-- Periods: 'YYYY-MM' text or dates (text, Julian day numbers or Unix
-- seconds, as the 'auto' modifier reads them), normalised to the grain as
-- an index (month: year*12+month-1, quarter: year*4+quarter-1, year: year).
-- This reference does not check its input (negative MRR, bad periods).

CREATE TEMP VIEW IF NOT EXISTS ref_revenue_grain(grain) AS SELECT 'month';

DROP VIEW IF EXISTS temp.ref_mrr_movements;
DROP VIEW IF EXISTS temp.ref_mrr_moves;

CREATE TEMP VIEW ref_mrr_moves(customer_id, pidx, period, prev_mrr, mrr,
                               delta, movement) AS
WITH
g AS (SELECT grain FROM ref_revenue_grain),
dated AS (
  SELECT customer_id AS k, mrr AS v,
         strftime('%Y-%m',
                  CASE WHEN typeof(month) = 'text'
                        AND month GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]'
                       THEN month || '-01' ELSE month END,
                  'auto') AS ym
  FROM mrr_history
  WHERE customer_id IS NOT NULL AND month IS NOT NULL AND mrr IS NOT NULL
),
-- one row per customer and period: the summed MRR
sums AS MATERIALIZED (
  SELECT k,
         CASE (SELECT grain FROM g)
           WHEN 'month'   THEN substr(ym, 1, 4) * 12 + substr(ym, 6, 2) - 1
           WHEN 'quarter' THEN substr(ym, 1, 4) * 4 + (substr(ym, 6, 2) - 1) / 3
           ELSE CAST(substr(ym, 1, 4) AS INTEGER)
         END AS pidx,
         sum(v) AS v
  FROM dated GROUP BY 1, 2
),
spans AS MATERIALIZED (
  SELECT k, min(pidx) AS first, max(pidx) AS final FROM sums GROUP BY k
),
last AS MATERIALIZED (SELECT max(final) AS lp FROM spans),
spine(pidx) AS (
  SELECT min(first) FROM spans
  UNION ALL
  SELECT pidx + 1 FROM spine WHERE pidx < (SELECT lp FROM last)
),
-- every period of every customer from its first to the one after its last
-- (not past the last period of the source); gaps count as 0
grid AS (
  SELECT s.k, p.pidx, coalesce(x.v, 0) AS v
  FROM spans s
  JOIN spine p ON p.pidx BETWEEN s.first
                             AND min(s.final + 1, (SELECT lp FROM last))
  LEFT JOIN sums x ON x.k = s.k AND x.pidx = p.pidx
),
lagged AS (
  SELECT k, pidx, v,
         coalesce(lag(v) OVER w, 0) AS prev,
         coalesce(max(v > 0) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING
                                         AND 1 PRECEDING), 0) AS was
  FROM grid
  WINDOW w AS (PARTITION BY k ORDER BY pidx)
)
SELECT k, pidx,
       CASE (SELECT grain FROM g)
         WHEN 'month'   THEN printf('%04d-%02d', pidx / 12, pidx % 12 + 1)
         WHEN 'quarter' THEN printf('%04d-Q%d', pidx / 4, pidx % 4 + 1)
         ELSE printf('%04d', pidx)
       END,
       prev, v, v - prev,
       CASE
         WHEN v > 0 AND prev = 0 THEN iif(was, 'reactivation', 'new')
         WHEN v > prev THEN 'expansion'
         WHEN v > 0 AND v < prev THEN 'contraction'
         WHEN v > 0 THEN 'flat'
         ELSE 'churn'
       END
FROM lagged
WHERE v > 0 OR prev > 0;

CREATE TEMP VIEW ref_mrr_movements AS
SELECT customer_id, period, prev_mrr, mrr, delta, movement
FROM ref_mrr_moves
ORDER BY customer_id, pidx;
