-- 50-revenue.sql: ready-made revenue movement and retention views over the
-- canonical schema (sql/schema.sql), built with the extension
-- (docs/revenue.md).
--
--   revenue_movements  mrr_movements over mrr_history, monthly: one row per
--                      customer and month with MRR > 0, plus the churn
--                      month after an active one (prev_mrr, mrr, delta,
--                      movement)
--   revenue_bridge     the MRR bridge per month: start_mrr + new_mrr +
--                      expansion_mrr + contraction_mrr + churned_mrr +
--                      reactivation_mrr = end_mrr (contraction and churn
--                      are negative), and start_mrr is the previous
--                      month's end_mrr
--   revenue_retention  NRR and GRR over the trailing 12 months, per month:
--                      the customers paying 12 months before (base_month),
--                      their MRR then (start_mrr) and now (end_mrr)

CREATE VIRTUAL TABLE IF NOT EXISTS revenue_movements USING mrr_movements(
  source=mrr_history, key=customer_id, period=month, value=mrr);

CREATE VIEW IF NOT EXISTS revenue_bridge AS
SELECT period                                              AS month,
       total(prev_mrr)                                     AS start_mrr,
       total(delta) FILTER (WHERE movement = 'new')          AS new_mrr,
       total(delta) FILTER (WHERE movement = 'expansion')    AS expansion_mrr,
       total(delta) FILTER (WHERE movement = 'contraction')  AS contraction_mrr,
       total(delta) FILTER (WHERE movement = 'churn')        AS churned_mrr,
       total(delta) FILTER (WHERE movement = 'reactivation') AS reactivation_mrr,
       total(mrr)                                          AS end_mrr,
       count(*) FILTER (WHERE movement = 'new')            AS new_customers,
       count(*) FILTER (WHERE movement = 'churn')          AS churned_customers
FROM revenue_movements
GROUP BY period
ORDER BY period;

CREATE VIEW IF NOT EXISTS revenue_retention AS
WITH active AS MATERIALIZED (
  SELECT customer_id, period, mrr FROM revenue_movements WHERE mrr > 0
),
months AS (SELECT DISTINCT period FROM active)
SELECT m.period                  AS month,
       b.period                  AS base_month,
       count(*)                  AS customers,
       total(b.mrr)              AS start_mrr,
       total(e.mrr)              AS end_mrr,
       nrr(b.mrr, e.mrr)         AS nrr,
       grr(b.mrr, e.mrr)         AS grr
FROM months m
JOIN active b ON b.period = strftime('%Y-%m', m.period || '-01', '-12 months')
LEFT JOIN active e ON e.customer_id = b.customer_id AND e.period = m.period
GROUP BY m.period
ORDER BY m.period;
