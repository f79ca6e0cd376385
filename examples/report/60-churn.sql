-- 60-churn.sql: churn classification (docs/churn.md).
-- Run: sqlite3 -cmd '.load dist/success' examples/demo.db < examples/report/60-churn.sql
-- Views from sql/views/60-churn.sql: churn_matrix, churn_quadrants.
.mode box
.print "== Churn matrix: churns and contractions per quadrant, worst first =="
SELECT severity,
       class,
       churns,
       contractions,
       printf('%,d', CAST(round(lost_mrr) AS INTEGER)) AS lost_mrr,
       printf('%.1f%%', 100 * lost_share)          AS of_lost
FROM churn_quadrants
ORDER BY severity;

.print "== The same as a 2x2: lost MRR (count) =="
SELECT CASE expected WHEN 1 THEN 'expected' ELSE 'unexpected' END AS signal,
       printf('%,d (%d)', CAST(round(total(lost_mrr) FILTER (WHERE avoidable = 1)) AS INTEGER),
              count(*) FILTER (WHERE avoidable = 1))   AS avoidable,
       printf('%,d (%d)', CAST(round(total(lost_mrr) FILTER (WHERE avoidable = 0)) AS INTEGER),
              count(*) FILTER (WHERE avoidable = 0))   AS unavoidable
FROM churn_matrix
GROUP BY expected
ORDER BY expected;

.print "== Top reasons of avoidable churn the health score missed =="
SELECT coalesce(reason, '(none recorded)')          AS reason,
       count(*)                                     AS churns,
       printf('%,d', CAST(round(sum(lost_mrr)) AS INTEGER)) AS lost_mrr
FROM churn_matrix
WHERE kind = 'churn' AND severity = 1
GROUP BY reason
ORDER BY sum(lost_mrr) DESC
LIMIT 5;
