-- pareto.sql -- Pareto tiering (SPEC section 4) in plain SQL, no extension.
--
-- The differential tests and the benchmarks compare the extension with
-- these views. Before running this file, create:
--   pareto_input(part, key, value)  one row per customer; part NULL for all
--                                   rows when there are no partitions
--   pareto_cutoffs(cutoff)          the K cutoffs (e.g. 0.45 and 0.75)
--   pareto_names(tier, name)        tier names, may be empty
-- It defines:
--   pareto_ref(part, key, value, rank, share, cum_share, tier, tier_name,
--              tier_floor)          what pareto_tiers returns, same order
--   pareto_ref_floors(part, k, floor)  what pareto_floors returns, per
--                                   partition with a non-NULL value
--
-- The rules, as in ext/pareto.c:
--   before = (sum of strictly greater values) / total, per partition;
--   tier = 1 + (number of cutoffs c with before >= c); total 0 -> K+1;
--   floor k = the smallest value in tiers 1..k (an empty tier repeats the
--   previous floor), NULL when the total is 0; rows with a NULL value have
--   NULL rank, share, cum_share, tier, tier_name and tier_floor.
-- Sums run in descending order of value, as in the extension, so integer
-- data gives the same bits on both sides.

CREATE TEMP VIEW IF NOT EXISTS pareto_ref_ranked AS
SELECT part, key, value,
       sum(value) OVER (w_part) AS total,
       -- strictly greater values: every peer group before this one
       coalesce(sum(value) OVER (w_part ORDER BY value DESC
                GROUPS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
         AS greater,
       sum(value) OVER (w_part ORDER BY value DESC, key
                        ROWS UNBOUNDED PRECEDING) AS running,
       rank() OVER (w_part ORDER BY value DESC) AS rnk
FROM pareto_input
WINDOW w_part AS (PARTITION BY part);

CREATE TEMP VIEW IF NOT EXISTS pareto_ref_tiered AS
SELECT part, key, value, total, running, rnk,
       CASE WHEN value IS NULL THEN NULL
            WHEN total = 0 THEN (SELECT count(*) + 1 FROM pareto_cutoffs)
            ELSE 1 + (SELECT count(*) FROM pareto_cutoffs
                      WHERE greater * 1.0 / total >= cutoff)
       END AS tier
FROM pareto_ref_ranked;

CREATE TEMP VIEW IF NOT EXISTS pareto_ref AS
SELECT part, key, value,
       CASE WHEN value IS NOT NULL THEN rnk END AS rank,
       value * 1.0 / nullif(total, 0) AS share,
       CASE WHEN value IS NOT NULL THEN running * 1.0 / nullif(total, 0)
       END AS cum_share,
       tier,
       (SELECT name FROM pareto_names n WHERE n.tier = t.tier) AS tier_name,
       CASE WHEN tier <= (SELECT count(*) FROM pareto_cutoffs)
            THEN min(value) OVER (PARTITION BY part, tier)
       END AS tier_floor
FROM pareto_ref_tiered t
ORDER BY part, value DESC, key, cum_share;

CREATE TEMP VIEW IF NOT EXISTS pareto_ref_floors AS
WITH cut AS (
  SELECT row_number() OVER (ORDER BY cutoff) AS k FROM pareto_cutoffs
), parts AS (
  SELECT part, max(total) AS total FROM pareto_ref_tiered
  WHERE value IS NOT NULL GROUP BY part
)
SELECT p.part, c.k,
       CASE WHEN p.total > 0 THEN
         (SELECT min(value) FROM pareto_ref_tiered t
          WHERE t.part IS p.part AND t.tier <= c.k)
       END AS floor
FROM parts p, cut c
ORDER BY p.part, c.k;
