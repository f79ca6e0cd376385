-- 60-churn.sql: ready-made churn classification views over the canonical
-- schema (sql/schema.sql), built with the extension (docs/churn.md).
--
--   churn_matrix     churn_classification over mrr_history, monthly, with
--                    health_history and churn_reasons: one row per churn
--                    and contraction, classified expected/unexpected (the
--                    health score was below 50 between 180 and 30 days
--                    before) and avoidable/unavoidable (churn_reasons; no
--                    reason recorded counts as avoidable)
--   churn_quadrants  the four quadrants, worst (severity 1) first, each
--                    with its churns, contractions and lost MRR, and its
--                    share of all lost MRR (the four shares sum to 1)

CREATE VIRTUAL TABLE IF NOT EXISTS churn_matrix USING churn_classification(
  source=mrr_history, key=customer_id, period=month, value=mrr,
  health=health_history, reasons=churn_reasons, include='churn,contraction');

CREATE VIEW IF NOT EXISTS churn_quadrants AS
WITH quadrant(severity, expected, avoidable) AS (
  VALUES (1, 0, 1), (2, 1, 1), (3, 0, 0), (4, 1, 0)
),
classified AS MATERIALIZED (SELECT * FROM churn_matrix)
SELECT q.severity,
       churn_class(q.expected, q.avoidable)                   AS class,
       q.expected,
       q.avoidable,
       count(c.kind) FILTER (WHERE c.kind = 'churn')          AS churns,
       count(c.kind) FILTER (WHERE c.kind = 'contraction')    AS contractions,
       total(c.lost_mrr) FILTER (WHERE c.kind = 'churn')      AS churned_mrr,
       total(c.lost_mrr) FILTER (WHERE c.kind = 'contraction') AS contracted_mrr,
       total(c.lost_mrr)                                      AS lost_mrr,
       total(c.lost_mrr) / (SELECT total(lost_mrr) FROM classified)
                                                              AS lost_share
FROM quadrant q
LEFT JOIN classified c ON c.severity = q.severity
GROUP BY q.severity
ORDER BY q.severity;
