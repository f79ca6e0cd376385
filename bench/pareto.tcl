# pareto.tcl -- benchmark entries of ext/pareto.c (SPEC section 4).
#
# Both entries compare with the pure-SQL window version of the same rules
# (sql/reference/pareto.sql: window sums over GROUPS frames, rank(), a
# cutoff count per row) and with a bare scan of the source. The reference
# reads temp views pareto_input(part, key, value), pareto_cutoffs(cutoff)
# and pareto_names(tier, name), created here (the database is read-only).

set pareto_ref_setup "
  CREATE TEMP VIEW pareto_input AS
    SELECT NULL AS part, customer_id AS key, mrr AS value FROM accounts;
  CREATE TEMP VIEW pareto_cutoffs(cutoff) AS VALUES (0.45), (0.75);
  CREATE TEMP VIEW pareto_names(tier, name) AS
    VALUES (1, 'high-touch'), (2, 'hybrid'), (3, 'automated');
  [reference pareto]"

# DuckDB: the same window rules in its dialect (cutoffs 0.45 and 0.75
# written in; tier 2 is 'hybrid'). pareto_duck_tiered is the tier per
# customer; the entries time the last statement only.
set pareto_duck_setup {
  CREATE TEMP VIEW pareto_duck_tiered AS
  WITH r AS (
    SELECT customer_id AS key, mrr AS value,
           sum(mrr) OVER () AS total,
           coalesce(sum(mrr) OVER (ORDER BY mrr DESC GROUPS BETWEEN
                    UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS greater,
           sum(mrr) OVER (ORDER BY mrr DESC, customer_id
                          ROWS UNBOUNDED PRECEDING) AS running
    FROM accounts
  )
  SELECT key, value, total, running,
         CASE WHEN value IS NULL THEN NULL
              WHEN total = 0 THEN 3
              ELSE 1 + CASE WHEN greater * 1.0 / total >= 0.45 THEN 1 ELSE 0 END
                     + CASE WHEN greater * 1.0 / total >= 0.75 THEN 1 ELSE 0 END
         END AS tier
  FROM r;
}

# The virtual table: read, sort in C, stream rank/share/cum_share/tier.
bench_entry pareto_vtab {
  title  {pareto_tiers virtual table (rank, shares, tier, floor per customer)}
  unit   customers
  sizes  {10000 100000 1000000}
  gen    {--tables accounts}
  setup  "CREATE VIRTUAL TABLE temp.tiers USING pareto_tiers(
            source=accounts, key=customer_id, value=mrr,
            names='high-touch,hybrid,automated');
          $pareto_ref_setup"
  ext    {SELECT count(*), sum(tier), round(sum(cum_share), 6),
                 sum(tier_name = 'hybrid'), round(sum(tier_floor), 2)
          FROM tiers}
  ref    {SELECT count(*), sum(tier), round(sum(cum_share), 6),
                 sum(tier_name = 'hybrid'), round(sum(tier_floor), 2)
          FROM pareto_ref}
  floor  {SELECT count(*), sum(mrr) FROM accounts}
  duckdb "$pareto_duck_setup
    SELECT CAST(count(*) AS BIGINT), CAST(sum(tier) AS BIGINT),
           round(sum(running * 1.0 / nullif(total, 0)), 6),
           CAST(sum(CASE WHEN tier = 2 THEN 1 ELSE 0 END) AS BIGINT),
           round(sum(tier_floor), 2)
    FROM (SELECT *, CASE WHEN tier <= 2
                         THEN min(value) OVER (PARTITION BY tier) END AS tier_floor
          FROM pareto_duck_tiered)"
  target {ref 0.2 floor 5}
}

# The pair: floors by the aggregate (one scan, a sort of 8-byte values),
# then a second scan with pareto_tier (floors parsed once per statement).
bench_entry pareto_pair {
  title  {pareto_floors + pareto_tier (tier per customer)}
  unit   customers
  sizes  {10000 100000 1000000}
  gen    {--tables accounts}
  setup  $pareto_ref_setup
  ext    {SELECT count(*), sum(pareto_tier(mrr,
                   (SELECT pareto_floors(mrr) FROM accounts)))
          FROM accounts}
  ref    {SELECT count(*), sum(tier) FROM pareto_ref_tiered}
  floor  {SELECT count(*), sum(mrr) FROM accounts}
  duckdb "$pareto_duck_setup
    SELECT CAST(count(*) AS BIGINT), CAST(sum(tier) AS BIGINT)
    FROM pareto_duck_tiered"
  target {ref 0.2 floor 5}
}
