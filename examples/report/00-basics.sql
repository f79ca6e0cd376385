-- 00-basics.sql: customers, MRR and its Pareto shape, in plain SQL.
-- Run: sqlite3 examples/demo.db < examples/report/00-basics.sql
.mode box
.print "== Customers and MRR =="
WITH active AS (
  SELECT mrr,
         row_number() OVER (ORDER BY mrr DESC, customer_id) AS rn,
         count(*)     OVER () AS n,
         sum(mrr)     OVER () AS total
  FROM accounts
  WHERE mrr > 0
)
SELECT (SELECT count(*) FROM accounts)                          AS customers,
       count(*)                                                 AS active,
       CAST(round(sum(mrr)) AS INTEGER)                         AS total_mrr,
       round(100.0 * sum(mrr) FILTER (WHERE rn * 10 <= n * 1) / max(total), 1) AS top10_pct,
       round(100.0 * sum(mrr) FILTER (WHERE rn * 10 <= n * 3) / max(total), 1) AS top30_pct
FROM active;
