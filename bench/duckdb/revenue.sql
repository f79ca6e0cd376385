-- bench/duckdb/revenue.sql -- the movements of sql/reference/revenue.sql
-- in DuckDB's dialect, for the DuckDB column of make bench (read by
-- `duckdb_reference revenue` in bench/revenue.tcl and bench/churn.tcl).
-- Same rules: MRR summed per customer and month, a spine of months from a
-- customer's first to the one after its last (not past the source's last),
-- gaps as 0, LAG for the previous MRR. Written for dist/gen's data:
-- 'YYYY-MM' month text, no NULLs (the schema's NOT NULL columns), month grain.
CREATE TEMP VIEW duck_moves AS
WITH sums AS (
  SELECT customer_id AS k,
         CAST(substr(month, 1, 4) AS INTEGER) * 12
           + CAST(substr(month, 6, 2) AS INTEGER) - 1 AS pidx,
         sum(mrr) AS v
  FROM mrr_history GROUP BY 1, 2
), spans AS (
  SELECT k, min(pidx) AS first, max(pidx) AS final FROM sums GROUP BY k
), lp AS (SELECT max(final) AS lp FROM spans),
grid AS (
  SELECT s.k, g.pidx, coalesce(x.v, 0) AS v
  FROM spans s CROSS JOIN lp
  CROSS JOIN LATERAL generate_series(s.first, least(s.final + 1, lp.lp)) AS g(pidx)
  LEFT JOIN sums x ON x.k = s.k AND x.pidx = g.pidx
), lagged AS (
  SELECT k, pidx, v,
         coalesce(lag(v) OVER w, 0) AS prev,
         coalesce(max(CASE WHEN v > 0 THEN 1 ELSE 0 END) OVER (w ROWS BETWEEN
                  UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS was
  FROM grid WINDOW w AS (PARTITION BY k ORDER BY pidx)
)
SELECT k AS customer_id, pidx, prev AS prev_mrr, v AS mrr, v - prev AS delta,
       CASE
         WHEN v > 0 AND prev = 0 THEN CASE WHEN was = 1 THEN 'reactivation' ELSE 'new' END
         WHEN v > prev THEN 'expansion'
         WHEN v > 0 AND v < prev THEN 'contraction'
         WHEN v > 0 THEN 'flat'
         ELSE 'churn'
       END AS movement
FROM lagged WHERE v > 0 OR prev > 0;
