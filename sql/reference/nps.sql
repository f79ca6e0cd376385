-- nps.sql: the results of sql/views/20-nps.sql in plain SQL (no
-- extension), as temp views named ref_<view>. Used by tests/nps.test
-- (differential checks) and bench/health.tcl (the baseline).
--
-- nps_category(score)  CASE: 9-10 promoter, 7-8 passive, 0-6 detractor
-- nps(score)           100.0 * (promoters - detractors) / responses

CREATE TEMP VIEW IF NOT EXISTS ref_nps_by_segment AS
SELECT a.segment,
       count(r.score)       AS responses,
       sum(r.score >= 9)    AS promoters,
       sum(r.score IN (7, 8)) AS passives,
       sum(r.score <= 6)    AS detractors,
       100.0 * (sum(r.score >= 9) - sum(r.score <= 6)) / count(r.score) AS nps
FROM nps_responses AS r
JOIN accounts AS a ON a.customer_id = r.customer_id
GROUP BY a.segment;

CREATE TEMP VIEW IF NOT EXISTS ref_account_nps AS
SELECT customer_id, responded_at, score,
       CASE WHEN score >= 9 THEN 'promoter'
            WHEN score >= 7 THEN 'passive'
            WHEN score IS NOT NULL THEN 'detractor' END AS category
FROM (
  SELECT customer_id, max(responded_at) AS responded_at, score
  FROM nps_responses
  GROUP BY customer_id
);
