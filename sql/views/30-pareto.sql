-- 30-pareto.sql: ready-made Pareto tiering views over the canonical schema
-- (sql/schema.sql), built with the extension (docs/pareto.md).
--
--   paying_accounts  accounts with MRR > 0: the customers that are tiered
--                    (accounts.mrr is 0 for churned customers, who would
--                    otherwise all land in the last tier)
--   account_tiers    pareto_tiers over paying_accounts: one row per paying
--                    account with rank, share, cum_share, tier, the
--                    touch model (high-touch, hybrid, automated) and the
--                    tier's MRR floor; cutoffs 0.45 and 0.75 of MRR
--   tier_summary     per tier: customers, share of customers, MRR, share of
--                    MRR and the MRR floor (NULL for the automated tail)

CREATE VIEW IF NOT EXISTS paying_accounts AS
SELECT customer_id, name, segment, mrr
FROM accounts
WHERE mrr > 0;

CREATE VIRTUAL TABLE IF NOT EXISTS account_tiers USING pareto_tiers(
  source=paying_accounts, key=customer_id, value=mrr,
  cutoffs='0.45,0.75', names='high-touch,hybrid,automated');

CREATE VIEW IF NOT EXISTS tier_summary AS
SELECT tier,
       tier_name,
       count(*)                                  AS customers,
       count(*) * 1.0 / sum(count(*)) OVER ()    AS customer_share,
       sum(mrr)                                  AS mrr,
       sum(mrr) / sum(sum(mrr)) OVER ()          AS mrr_share,
       min(tier_floor)                           AS floor
FROM account_tiers
GROUP BY tier, tier_name
ORDER BY tier;
