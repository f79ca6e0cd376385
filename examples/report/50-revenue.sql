-- 50-revenue.sql: revenue movements and retention (docs/revenue.md).
-- Run: sqlite3 -cmd '.load dist/success' examples/demo.db < examples/report/50-revenue.sql
-- Views from sql/views/50-revenue.sql: revenue_bridge, revenue_retention.
.mode box
.print "== MRR bridge, last 6 months (start + moves = end) =="
SELECT month,
       printf('%,d', CAST(round(start_mrr) AS INTEGER))         AS start,
       printf('%+,d', CAST(round(new_mrr) AS INTEGER))          AS new,
       printf('%+,d', CAST(round(expansion_mrr) AS INTEGER))    AS expansion,
       printf('%+,d', CAST(round(contraction_mrr) AS INTEGER))  AS contraction,
       printf('%+,d', CAST(round(churned_mrr) AS INTEGER))      AS churn,
       printf('%+,d', CAST(round(reactivation_mrr) AS INTEGER)) AS reactivation,
       printf('%,d', CAST(round(end_mrr) AS INTEGER))           AS "end",
       printf('%+.1f%%', 100 * (end_mrr - start_mrr) / start_mrr) AS growth
FROM (SELECT * FROM revenue_bridge ORDER BY month DESC LIMIT 6)
ORDER BY month;

.print "== Net and gross revenue retention, trailing 12 months =="
SELECT month,
       base_month                                   AS cohort_of,
       customers,
       printf('%,d', CAST(round(start_mrr) AS INTEGER)) AS mrr_then,
       printf('%,d', CAST(round(end_mrr) AS INTEGER))   AS mrr_now,
       printf('%.1f%%', 100 * nrr)                  AS nrr,
       printf('%.1f%%', 100 * grr)                  AS grr
FROM (SELECT * FROM revenue_retention ORDER BY month DESC LIMIT 6)
ORDER BY month;
