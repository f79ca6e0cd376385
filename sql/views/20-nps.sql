-- 20-nps.sql: ready-made NPS views over the canonical schema
-- (sql/schema.sql), built with the extension (docs/nps.md).
--
--   nps_by_segment  per account segment: responses, promoters, passives,
--                   detractors and the NPS over every response
--   account_nps     per account: its latest answer and that answer's category

CREATE VIEW IF NOT EXISTS nps_by_segment AS
SELECT a.segment,
       count(r.score)                          AS responses,
       sum(nps_category(r.score) = 'promoter')  AS promoters,
       sum(nps_category(r.score) = 'passive')   AS passives,
       sum(nps_category(r.score) = 'detractor') AS detractors,
       nps(r.score)                            AS nps
FROM nps_responses AS r
JOIN accounts AS a ON a.customer_id = r.customer_id
GROUP BY a.segment;

CREATE VIEW IF NOT EXISTS account_nps AS
SELECT customer_id, responded_at, score, nps_category(score) AS category
FROM (
  SELECT customer_id, max(responded_at) AS responded_at, score
  FROM nps_responses
  GROUP BY customer_id
);
