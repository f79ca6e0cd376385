-- 30-pareto.sql: Pareto revenue tiers of the paying accounts (docs/pareto.md).
-- Run: sqlite3 -cmd '.load dist/success' examples/demo.db < examples/report/30-pareto.sql
-- Only accounts with MRR > 0 are tiered (view paying_accounts): churned
-- customers have accounts.mrr = 0.
.mode box
.print "== Pareto tiers (paying accounts, cutoffs 45% and 75% of MRR) =="
SELECT tier,
       tier_name                              AS touch_model,
       customers,
       printf('%.1f%%', 100 * customer_share) AS of_customers,
       printf('%,d', CAST(round(mrr) AS INTEGER)) AS mrr,
       printf('%.1f%%', 100 * mrr_share)      AS of_mrr,
       CASE WHEN floor IS NULL THEN '-'
            ELSE printf('%,.2f', floor) END   AS mrr_floor
FROM tier_summary;

.print "== Pareto tiers by segment: where the high-touch accounts are =="
SELECT segment,
       count(*) FILTER (WHERE tier = 1)       AS high_touch,
       count(*) FILTER (WHERE tier = 2)       AS hybrid,
       count(*) FILTER (WHERE tier = 3)       AS automated,
       printf('%.1f%%', 100 * total(mrr) FILTER (WHERE tier = 1) / sum(mrr))
                                              AS high_touch_mrr
FROM account_tiers JOIN paying_accounts USING (customer_id, mrr)
GROUP BY segment
ORDER BY sum(mrr) DESC;
