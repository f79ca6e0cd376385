-- 40-milestones.sql: onboarding journeys, through the views of
-- sql/views/40-milestones.sql (milestone_progress, journey_status,
-- milestone_phase).
-- Run: sqlite3 -cmd '.load dist/success' examples/demo.db < examples/report/40-milestones.sql
--
-- Every query reads the views as of 2026-10-31, the last day of the demo's
-- fixed calendar, rather than today (the views' default), so the report
-- prints the same whatever day it runs.
.mode box
.print "== Onboarding journeys as of 2026-10-31: paying accounts by journey status =="
SELECT j.journey,
       count(*)                            AS accounts,
       sum(j.journey_status = 'complete')  AS complete,
       sum(j.journey_status = 'on_track')  AS on_track,
       sum(j.journey_status = 'behind')    AS behind,
       sum(j.journey_status = 'stuck')     AS stuck
FROM account_journey AS j
JOIN accounts AS a ON a.customer_id = j.customer_id
WHERE j.as_of = '2026-10-31' AND a.mrr > 0
GROUP BY j.journey
ORDER BY accounts DESC;

.print "== Effectiveness stage of paying accounts (last phase fully reached) =="
SELECT s.journey,
       coalesce(s.stage, '(none yet)') AS stage,
       count(*)                        AS accounts
FROM account_stage AS s
JOIN accounts AS a ON a.customer_id = s.customer_id
WHERE s.as_of = '2026-10-31' AND a.mrr > 0
GROUP BY s.journey, s.stage
ORDER BY s.journey, accounts DESC;

.print "== Slowest step of each journey (median days, accounts that reached both ends) =="
SELECT journey,
       from_milestone || ' -> ' || milestone AS step,
       accounts,
       CAST(planned_days AS INTEGER)          AS planned_days,
       round(median_days, 1)                  AS median_days,
       round(delay_days, 1)                   AS vs_plan
FROM (SELECT *, row_number() OVER (PARTITION BY journey
                                   ORDER BY median_days DESC, seq) AS r
      FROM journey_step_delays
      WHERE as_of = '2026-10-31')
WHERE r = 1
ORDER BY journey;

.print "== Accounts to escalate today: paying, stuck (a milestone > 30 days overdue), by MRR =="
WITH blocked AS (
  SELECT *, row_number() OVER (PARTITION BY customer_id ORDER BY seq) AS r
  FROM milestones_overdue
  WHERE as_of = '2026-10-31'
)
SELECT customer_id,
       name,
       segment,
       CAST(round(mrr) AS INTEGER)   AS mrr,
       milestone                     AS blocked_at,
       due_date,
       CAST(days_overdue AS INTEGER) AS days_overdue
FROM blocked
WHERE r = 1 AND days_overdue > 30
ORDER BY mrr DESC, customer_id
LIMIT 10;
