-- queries.sql -- the three questions every client in examples/clients/ asks
-- the demo database (examples/demo.db: the canonical schema, filled by
-- dist/gen, with the ready-made views of sql/views/ created in it).
--
-- Format, read by every client: a query starts at a line "-- query: <name>"
-- and ends at the first line that ends with ";". Other lines between queries
-- are comments. Each client prints, per query, a line "== <name> ==", then
-- (when there are rows) the column names and the rows, columns separated by
-- "|", NULL as an empty string. A "-- needs: <module> ..." line inside a
-- query names the modules it uses: tests/clients.test leaves out a query
-- whose modules have not landed yet (no tests/api/<module>.list).
--
-- Every non-integer number is formatted in SQL, so no client's own float
-- formatting can make outputs differ (Python prints 2.0, Node 2): a number
-- shown with d decimals is printf('%.<d>f', round(x * 10^d) / 10^d).
-- Rounding first matters: the clients run different SQLite versions, and
-- SQLite's printf() and round(x, d) treat a value next to a half
-- differently before and after 3.47 (37.049999999999997 gives 37.1 with
-- 3.40, 37.0 with 3.53); round(x) to a whole number is the same arithmetic
-- in every version, and the result is then far from any half.

-- query: tier_summary
-- needs: pareto
-- Pareto tiers of the paying customers, from the tier_summary view over the
-- account_tiers virtual table stored in the database (sql/views/30-pareto.sql):
-- tier 1 high-touch, 2 hybrid, 3 automated; the floor is the smallest MRR
-- that puts a customer in the tier (none for the last).
SELECT tier,
       tier_name,
       customers,
       printf('%.1f', round(customer_share * 1000) / 10) AS pct_customers,
       printf('%.2f', round(mrr * 100) / 100)            AS mrr,
       printf('%.1f', round(mrr_share * 1000) / 10)      AS pct_mrr,
       CASE WHEN floor IS NOT NULL
            THEN printf('%.2f', round(floor * 100) / 100) END AS floor
FROM tier_summary
ORDER BY tier;

-- query: at_risk
-- needs: health
-- The ten largest active accounts in the red or orange health band, the
-- measure that loses their score the most points, and where they are going.
SELECT a.customer_id,
       a.name,
       a.segment,
       printf('%.2f', round(a.mrr * 100) / 100)    AS mrr,
       printf('%.1f', round(h.score * 10) / 10)     AS health,
       h.band,
       d.top_driver,
       printf('%.1f', round(d.top_lost * 10) / 10) AS points_lost,
       v.vector
FROM account_health AS h
JOIN accounts AS a USING (customer_id)
JOIN account_health_drivers AS d USING (customer_id)
LEFT JOIN account_success_vector AS v USING (customer_id)
WHERE h.band IN ('red', 'orange') AND a.mrr > 0
ORDER BY a.mrr DESC, a.customer_id
LIMIT 10;

-- query: churn_matrix
-- needs: churn
-- The churn matrix of the whole history, from the churn_quadrants view over
-- the churn_matrix virtual table (sql/views/60-churn.sql): churned and
-- contracted MRR by whether the health score saw it coming (expected) and
-- whether it could have been prevented (avoidable). Severity 1, unexpected
-- and avoidable, is the worst.
SELECT severity,
       class,
       churns,
       contractions,
       printf('%.2f', round(lost_mrr * 100) / 100)     AS lost_mrr,
       printf('%.1f', round(lost_share * 1000) / 10)   AS pct_lost
FROM churn_quadrants
ORDER BY severity;
