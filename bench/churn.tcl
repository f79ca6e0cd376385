# churn.tcl -- benchmark entry of ext/churn.c (SPEC section 7).
#
# churn_classification runs the movement stream of mrr_movements (the
# source read once in key order, plus the pass over the period column that
# finds the last period) and merges it with health_history and
# churn_reasons, each read once in key order. The reference
# (sql/reference/churn.sql) is the LAG-based movements of revenue.sql with a
# correlated EXISTS over health_history (through its (customer_id, at)
# index) and a lookup of the reasons per churn. The floor is the three
# ordered reads the virtual table cannot avoid, of the same rows and
# columns. Memory: one key's rows at a time, so the ext peak is flat from
# 50k to 200k customers.

set churn_ref_setup "[reference revenue]
  [reference churn]"

# DuckDB: the same rules in its dialect, for dist/gen's data ('YYYY-MM'
# months and periods, 'YYYY-MM-DD' dates), over the movements of
# bench/duckdb/revenue.sql (view duck_moves).
set churn_duckdb [duckdb_reference revenue]
append churn_duckdb {
  SELECT CAST(count(*) AS BIGINT), round(sum(lost_mrr), 2),
         CAST(sum(expected) AS BIGINT), CAST(sum(avoidable) AS BIGINT),
         CAST(sum(severity) AS BIGINT), CAST(count(reason) AS BIGINT),
         CAST(sum(ascii(class)) AS BIGINT)
  FROM (
    SELECT c.*,
           CASE WHEN avoidable = 1
                THEN CASE WHEN expected = 1 THEN 'expected_avoidable' ELSE 'unexpected_avoidable' END
                ELSE CASE WHEN expected = 1 THEN 'expected_unavoidable' ELSE 'unexpected_unavoidable' END
           END AS class,
           CASE WHEN avoidable = 1 THEN 1 ELSE 3 END
             + CASE WHEN expected = 1 THEN 1 ELSE 0 END AS severity,
           (SELECT min(r.reason) FROM churn_reasons r
            WHERE r.customer_id = c.customer_id
              AND CAST(substr(r.period, 1, 4) AS INTEGER) * 12
                  + CAST(substr(r.period, 6, 2) AS INTEGER) - 1 = c.pidx
              AND r.avoidable = c.avoidable) AS reason
    FROM (
      SELECT m.customer_id, m.pidx, m.prev_mrr - m.mrr AS lost_mrr,
             CASE WHEN EXISTS (
               SELECT 1 FROM health_history h
               WHERE h.customer_id = m.customer_id AND h.score < 50
                 AND date_diff('day', CAST(h."at" AS DATE),
                               make_date(m.pidx // 12, m.pidx % 12 + 1, 1))
                     BETWEEN 30 AND 180) THEN 1 ELSE 0 END AS expected,
             coalesce((SELECT max(r.avoidable) FROM churn_reasons r
                       WHERE r.customer_id = m.customer_id
                         AND CAST(substr(r.period, 1, 4) AS INTEGER) * 12
                             + CAST(substr(r.period, 6, 2) AS INTEGER) - 1 = m.pidx),
                      1) AS avoidable
      FROM duck_moves m WHERE m.movement = 'churn'
    ) AS c
  )
}

bench_entry churn_classification {
  title  {churn_classification virtual table (24 months of MRR, health, reasons)}
  unit   customers
  sizes  {50000 200000}
  gen    {--tables mrr_history,health_history,churn_reasons --months 24}
  setup  "CREATE VIRTUAL TABLE temp.cc USING churn_classification(
            source=mrr_history, key=customer_id, period=month, value=mrr,
            health=health_history, reasons=churn_reasons);
          $churn_ref_setup"
  ext    {SELECT count(*), round(sum(lost_mrr), 2), sum(expected),
                 sum(avoidable), sum(severity), count(reason),
                 sum(unicode(class))
          FROM cc}
  ref    {SELECT count(*), round(sum(lost_mrr), 2), sum(expected),
                 sum(avoidable), sum(severity), count(reason),
                 sum(unicode(class))
          FROM ref_churn_classification}
  floor  {SELECT * FROM
            (SELECT count(*), round(sum(mrr), 2), max(month)
             FROM (SELECT customer_id, month, mrr FROM mrr_history
                   ORDER BY customer_id, month)),
            (SELECT count(*), round(sum(score), 2)
             FROM (SELECT customer_id, at, score FROM health_history
                   ORDER BY customer_id)),
            (SELECT count(*), sum(avoidable)
             FROM (SELECT customer_id, period, reason, avoidable
                   FROM churn_reasons ORDER BY customer_id))}
  duckdb $churn_duckdb
  target {ref 0.333}
}
