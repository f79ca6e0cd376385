-- 40-milestones.sql: ready-made milestone views over the canonical schema
-- (sql/schema.sql). Needs the extension loaded (.load dist/success).
--
-- Every view goes through one virtual table, journey_progress, whose as_of
-- defaults to today (the UTC date at query time). Each view has an as_of
-- column; `WHERE as_of = '2024-06-30'` on a view replays that day (SQLite
-- pushes the condition down to the virtual table's hidden as_of column;
-- the plans are pinned in tests/milestone.test). The demo report uses
-- as_of = '2026-10-31', the last day of the demo's calendar.
--
--   account_journey      journey status per account
--   account_stage        effectiveness stage (last complete phase) per account
--   journey_step_delays  median days between consecutive milestones, per
--                        journey and step, against the plan (systemic delays)
--   milestones_overdue   overdue milestones of paying accounts, to act on
--                        today, most overdue first
CREATE VIRTUAL TABLE IF NOT EXISTS journey_progress USING milestone_progress(
  milestones=journey_steps, customers=accounts, events=adoption_events,
  key=customer_id, start=start_date, at=at);

-- One row per account with a journey: 'complete' | 'stuck' (a milestone
-- overdue by more than 30 days) | 'behind' | 'on_track', with counts.
CREATE VIEW IF NOT EXISTS account_journey AS
SELECT customer_id,
       min(journey)                                  AS journey,
       as_of,
       journey_status(status, days_late)             AS journey_status,
       count(*)                                      AS milestones,
       sum(status IN ('done', 'late'))               AS achieved,
       sum(status = 'late')                          AS late,
       sum(status = 'overdue')                       AS overdue,
       max(days_late) FILTER (WHERE status = 'overdue') AS max_days_overdue
FROM journey_progress
GROUP BY customer_id, as_of;

-- The effectiveness (maturity) stage of each account: the last phase, in
-- journey order, reached with every earlier phase; NULL before the first.
CREATE VIEW IF NOT EXISTS account_stage AS
SELECT customer_id,
       min(journey)                          AS journey,
       as_of,
       milestone_phase(phase, seq, status)   AS stage
FROM journey_progress
GROUP BY customer_id, as_of;

-- For each step of each journey (the first step is measured from the
-- start date): how many accounts reached both ends, the planned days
-- between them (difference of due days) and the median actual days.
-- delay_days = median - planned: the largest values are systemic delays.
CREATE VIEW IF NOT EXISTS journey_step_delays AS
WITH gaps AS (
  SELECT p.journey, p.as_of, p.seq, p.milestone,
         lag(p.milestone, 1, 'start') OVER w AS from_milestone,
         julianday(p.due_date)
           - julianday(lag(p.due_date, 1, a.start_date) OVER w) AS planned_days,
         julianday(p.achieved_at)
           - julianday(lag(p.achieved_at, 1, a.start_date) OVER w) AS actual_days
  FROM journey_progress AS p
  JOIN accounts AS a ON a.customer_id = p.customer_id
  WINDOW w AS (PARTITION BY p.as_of, p.customer_id ORDER BY p.seq)
),
ranked AS (
  SELECT *,
         row_number() OVER (PARTITION BY journey, as_of, seq
                            ORDER BY actual_days) AS rn,
         count(*) OVER (PARTITION BY journey, as_of, seq) AS n
  FROM gaps
  WHERE actual_days IS NOT NULL
),
-- window functions rather than GROUP BY, so that `WHERE as_of = ...` on the
-- view reaches the virtual table (SQLite pushes a WHERE term into a
-- subquery when every PARTITION BY holds its column)
medians AS (
  SELECT journey, as_of, seq, from_milestone, milestone, rn,
         n AS accounts,
         max(planned_days) OVER part AS planned_days,
         avg(actual_days) FILTER (WHERE rn IN ((n + 1) / 2, (n + 2) / 2))
           OVER part AS median_days
  FROM ranked
  WINDOW part AS (PARTITION BY journey, as_of, seq)
)
SELECT journey, as_of, seq, from_milestone, milestone, accounts,
       planned_days, median_days, median_days - planned_days AS delay_days
FROM medians
WHERE rn = 1;

-- Overdue milestones of paying accounts (current MRR > 0), most overdue
-- first: the escalation list.
CREATE VIEW IF NOT EXISTS milestones_overdue AS
SELECT p.customer_id, a.name, a.segment, a.mrr, p.journey, p.seq,
       p.milestone, p.phase, p.due_date, p.days_late AS days_overdue, p.as_of
FROM journey_progress AS p
JOIN accounts AS a ON a.customer_id = p.customer_id
WHERE p.status = 'overdue' AND a.mrr > 0
ORDER BY p.days_late DESC, p.customer_id, p.seq;
