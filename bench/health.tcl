# health.tcl -- benchmark entries of ext/health.c and ext/nps.c
# (issue 4 targets: health scores for 200k accounts x 6 measures no slower
# than the plain-SQL reference and within 1.3x of a bare sum(value) GROUP BY
# account; nps and health_band on 1M rows within 1.2x of the CASE
# expression).
#
# health_score_accounts at 10k-50k: runs of ~10-45 ms, where timings on the
# shared machine swing; instruction counts (callgrind, 10,000 customers):
# ext 79.2 M, ref 103.5 M, floor 61.7 M -- ext/floor 1.28, ext/ref 0.76. The
# floor reads one column per row, health_score two (score and weight).

# The latest value of each (account, measure) with its scorecard row and its
# 0..100 score (computed here in plain SQL, as sql/reference/health.sql
# does), in account order: the rows every health_score entry reads.
set ::health_bench_setup {
  CREATE TEMP TABLE bench_scored(
    customer_id INTEGER, measure TEXT, value REAL, weight REAL, worst REAL,
    best REAL, score REAL, PRIMARY KEY (customer_id, measure)) WITHOUT ROWID;
  INSERT INTO bench_scored
  SELECT l.customer_id, l.measure, l.value, s.weight, s.worst, s.best,
         CASE
           WHEN l.value IS NULL THEN NULL
           WHEN s.best > s.worst THEN
             CASE WHEN l.value <= s.worst THEN 0.0 WHEN l.value >= s.best THEN 100.0
                  ELSE 100.0 * (l.value - s.worst) / (s.best - s.worst) END
           ELSE
             CASE WHEN l.value >= s.worst THEN 0.0 WHEN l.value <= s.best THEN 100.0
                  ELSE 100.0 * (l.value - s.worst) / (s.best - s.worst) END
         END
  FROM (SELECT customer_id, measure, max(at) AS at, value
        FROM health_measures GROUP BY customer_id, measure) AS l
  JOIN scorecard AS s USING (measure);
}

# The same rows on DuckDB (its setup, untimed): the latest value of each
# (account, measure) by row_number() instead of SQLite's bare max() column.
set ::health_duck_setup {
  CREATE TEMP TABLE bench_scored AS
  SELECT l.customer_id, l.measure, l.value, s.weight, s.worst, s.best,
         CASE
           WHEN l.value IS NULL THEN NULL
           WHEN s.best > s.worst THEN
             CASE WHEN l.value <= s.worst THEN 0.0 WHEN l.value >= s.best THEN 100.0
                  ELSE 100.0 * (l.value - s.worst) / (s.best - s.worst) END
           ELSE
             CASE WHEN l.value >= s.worst THEN 0.0 WHEN l.value <= s.best THEN 100.0
                  ELSE 100.0 * (l.value - s.worst) / (s.best - s.worst) END
         END AS score
  FROM (SELECT customer_id, measure, value,
               row_number() OVER (PARTITION BY customer_id, measure
                                  ORDER BY "at" DESC) AS rn
        FROM health_measures) AS l
  JOIN scorecard AS s USING (measure)
  WHERE l.rn = 1;
}

# The plain-SQL references (also DuckDB SQL, run there over its own
# bench_scored).
set ::health_score_ref {
  SELECT count(*), round(sum(s), 6) FROM (
    SELECT sum(score * weight)
             / nullif(sum(CASE WHEN score IS NOT NULL THEN weight END), 0) AS s
    FROM bench_scored GROUP BY customer_id)
}
set ::health_scorecard_ref {
  SELECT count(*), round(sum(s), 6) FROM (
    SELECT sum(sc * weight)
             / nullif(sum(CASE WHEN sc IS NOT NULL THEN weight END), 0) AS s
    FROM (SELECT customer_id, weight,
            CASE
              WHEN value IS NULL THEN NULL
              WHEN best > worst THEN
                CASE WHEN value <= worst THEN 0.0 WHEN value >= best THEN 100.0
                     ELSE 100.0 * (value - worst) / (best - worst) END
              ELSE
                CASE WHEN value >= worst THEN 0.0 WHEN value <= best THEN 100.0
                     ELSE 100.0 * (value - worst) / (best - worst) END
            END AS sc
          FROM bench_scored)
    GROUP BY customer_id)
}

bench_entry health_score_accounts {
  title  {health_score per account (6 scored measures each)}
  unit   customers
  sizes  {10000 50000 200000}
  gen    {--tables scorecard,health_measures}
  setup  $::health_bench_setup
  ext    {SELECT count(*), round(sum(s), 6) FROM (
            SELECT health_score(score, weight) AS s
            FROM bench_scored GROUP BY customer_id)}
  ref    $::health_score_ref
  floor  {SELECT count(*), round(sum(s), 6) FROM (
            SELECT sum(score) AS s FROM bench_scored GROUP BY customer_id)}
  duckdb "$::health_duck_setup $::health_score_ref"
  target {ref 1.0 floor 1.3}
}

bench_entry health_scorecard_accounts {
  title  {health_score(health_scale(...)) per account, from raw measures}
  unit   customers
  sizes  {10000 50000 200000}
  gen    {--tables scorecard,health_measures}
  setup  $::health_bench_setup
  ext    {SELECT count(*), round(sum(s), 6) FROM (
            SELECT health_score(health_scale(value, worst, best), weight) AS s
            FROM bench_scored GROUP BY customer_id)}
  ref    $::health_scorecard_ref
  floor  {SELECT count(*), round(sum(s), 6) FROM (
            SELECT sum(value) AS s FROM bench_scored GROUP BY customer_id)}
  duckdb "$::health_duck_setup $::health_scorecard_ref"
  target {ref 1.0 floor 2.5}
}

# One NPS answer (0..10) and one health score (0..100, one decimal) per
# customer, spread deterministically.
set ::health_bench_answers {
  CREATE TEMP TABLE bench_answers AS
  SELECT customer_id,
         (customer_id * 7919) % 11 AS nps_score,
         ((customer_id * 104729) % 1001) / 10.0 AS health
  FROM accounts;
}

bench_entry nps_rows {
  title  {nps() over every answer}
  unit   customers
  sizes  {100000 1000000}
  gen    {--tables accounts}
  setup  $::health_bench_answers
  ext    {SELECT count(*), nps(nps_score) FROM bench_answers}
  ref    {SELECT count(*), 100.0 * sum(CASE WHEN nps_score >= 9 THEN 1
                                            WHEN nps_score <= 6 THEN -1 ELSE 0 END)
                           / count(nps_score)
          FROM bench_answers}
  floor  {SELECT count(*), sum(nps_score) FROM bench_answers}
  target {ref 1.2 floor 1.5}
}

bench_entry nps_category_rows {
  title  {nps_category() of every answer}
  unit   customers
  sizes  {100000 1000000}
  gen    {--tables accounts}
  setup  $::health_bench_answers
  ext    {SELECT count(*), sum(unicode(nps_category(nps_score))) FROM bench_answers}
  ref    {SELECT count(*), sum(unicode(CASE WHEN nps_score >= 9 THEN 'promoter'
                                            WHEN nps_score >= 7 THEN 'passive'
                                            ELSE 'detractor' END))
          FROM bench_answers}
  floor  {SELECT count(*), sum(nps_score) FROM bench_answers}
  target {ref 1.2 floor 3}
}

bench_entry health_band_rows {
  title  {health_band() of every score}
  unit   customers
  sizes  {100000 1000000}
  gen    {--tables accounts}
  setup  $::health_bench_answers
  ext    {SELECT count(*), sum(unicode(health_band(health))) FROM bench_answers}
  ref    {SELECT count(*), sum(unicode(CASE WHEN health >= 75 THEN 'green'
                                            WHEN health >= 50 THEN 'yellow'
                                            WHEN health >= 25 THEN 'orange'
                                            ELSE 'red' END))
          FROM bench_answers}
  floor  {SELECT count(*), sum(health) FROM bench_answers}
  target {ref 1.2 floor 3}
}

bench_entry health_trend_accounts {
  title  {health_trend per account over its health history}
  unit   customers
  sizes  {10000 100000}
  gen    {--tables health_history}
  ext    {SELECT count(*), count(t), round(sum(t), 6) FROM (
            SELECT health_trend(at, score) AS t
            FROM health_history GROUP BY customer_id)}
  ref    {SELECT count(*), count(t), round(sum(t), 6) FROM (
            SELECT CASE WHEN count(DISTINCT d) >= 2
                        THEN 30.0 * (count(s) * sum(d * s) - sum(d) * sum(s))
                             / (count(s) * sum(d * d) - sum(d) * sum(d)) END AS t
            FROM (SELECT customer_id, score AS s,
                         CASE WHEN score IS NOT NULL
                              THEN julianday(at) - 2460000.5 END AS d
                  FROM health_history)
            GROUP BY customer_id)}
  floor  {SELECT count(*), round(sum(s), 6) FROM (
            SELECT sum(score) AS s FROM health_history GROUP BY customer_id)}
  duckdb {SELECT count(*), count(t), round(sum(t), 6) FROM (
            SELECT CASE WHEN count(DISTINCT d) >= 2
                        THEN 30.0 * (count(s) * sum(d * s) - sum(d) * sum(s))
                             / (count(s) * sum(d * d) - sum(d) * sum(d)) END AS t
            FROM (SELECT customer_id, score AS s,
                         -- julianday(at) - 2460000.5 for dist/gen's dates
                         CASE WHEN score IS NOT NULL
                              THEN CAST(date_diff('day', DATE '2023-02-25',
                                                  CAST("at" AS DATE)) AS DOUBLE) END AS d
                  FROM health_history)
            GROUP BY customer_id)}
  target {ref 1.0 floor 3}
}
