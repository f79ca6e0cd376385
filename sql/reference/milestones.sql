-- milestones.sql: the milestone_progress virtual table in plain SQL (no
-- extension), over the canonical schema (sql/schema.sql). Used by the
-- differential tests (tests/milestone-diff.test) and as the benchmark
-- baseline (bench/milestone.tcl). Creates temp objects only:
--
--   temp.milestone_ref_as_of(as_of)   one row: the as_of date (default today)
--   temp.milestone_progress_ref       the rows of
--       CREATE VIRTUAL TABLE progress USING milestone_progress(
--         milestones=journey_steps, customers=accounts,
--         events=adoption_events, key=customer_id, start=start_date, at=at)
--     with the same columns (as_of included) and values.
--   temp.milestone_journey_ref        per customer: customer_id, as_of,
--     journey_status (journey_status(status, days_late)) and stage
--     (milestone_phase(phase, seq, status)) over those rows.
--
--   UPDATE temp.milestone_ref_as_of SET as_of = '2026-10-31';
--   SELECT * FROM temp.milestone_progress_ref ORDER BY customer_id, seq;
--
-- Rules (ext/milestone.c): dates are compared by calendar day (as_of, an
-- event's day, a customer's start day); the due date is start + due_day;
-- the first event on or before as_of counts; a customer whose journey
-- matches no journey has no rows. Dates are TEXT (julianday() reads a
-- number as a Julian day only, not as `auto`).
CREATE TEMP TABLE IF NOT EXISTS milestone_ref_as_of(as_of TEXT NOT NULL);
DELETE FROM temp.milestone_ref_as_of;
INSERT INTO temp.milestone_ref_as_of VALUES (date('now'));

-- One row per (started customer, step of its journey) with the earliest
-- event on or before as_of: a grouped LEFT JOIN, so the event lookup is
-- computed once per row, and `WHERE customer_id = ?` on the view is pushed
-- down to the accounts and adoption_events indexes.
DROP VIEW IF EXISTS temp.milestone_progress_ref;
CREATE TEMP VIEW milestone_progress_ref AS
WITH
  param AS (
    SELECT julianday(date(as_of)) AS as_of_jd FROM temp.milestone_ref_as_of
  ),
  steps AS (
    SELECT a.customer_id, s.journey, s.seq, s.milestone, s.phase,
           julianday(a.start_date) + s.due_day AS due_jd,
           min(julianday(e.at)) AS achieved_jd,
           param.as_of_jd
    FROM param
    CROSS JOIN accounts AS a
    CROSS JOIN journey_steps AS s ON s.journey = a.journey
    LEFT JOIN adoption_events AS e
           ON e.customer_id = a.customer_id AND e.milestone = s.milestone
          AND julianday(date(e.at)) <= param.as_of_jd
    WHERE julianday(date(a.start_date)) <= param.as_of_jd
    GROUP BY a.customer_id, s.journey, s.milestone
  ),
  judged AS (
    SELECT *, julianday(date(achieved_jd)) AS achieved_day FROM steps
  )
SELECT customer_id, journey, seq, milestone, phase,
       CASE WHEN time(due_jd) = '00:00:00' THEN date(due_jd)
            ELSE datetime(due_jd) END AS due_date,
       CASE WHEN achieved_jd IS NULL THEN NULL
            WHEN time(achieved_jd) = '00:00:00' THEN date(achieved_jd)
            ELSE datetime(achieved_jd) END AS achieved_at,
       CASE WHEN achieved_jd IS NOT NULL AND achieved_day <= due_jd THEN 'done'
            WHEN achieved_jd IS NOT NULL THEN 'late'
            WHEN as_of_jd > due_jd THEN 'overdue'
            ELSE 'pending' END AS status,
       CASE WHEN achieved_jd IS NOT NULL AND achieved_day > due_jd
              THEN achieved_day - due_jd
            WHEN achieved_jd IS NULL AND as_of_jd > due_jd
              THEN as_of_jd - due_jd
            ELSE 0.0 END AS days_late,
       date(as_of_jd) AS as_of
FROM judged;

-- Per customer, journey_status(status, days_late) and
-- milestone_phase(phase, seq, status) over the rows above, in plain SQL.
DROP VIEW IF EXISTS temp.milestone_journey_ref;
CREATE TEMP VIEW milestone_journey_ref AS
WITH
  progress AS (SELECT * FROM temp.milestone_progress_ref),
  counts AS (
    SELECT customer_id, as_of,
           sum(status IN ('overdue', 'pending'))      AS n_open,
           sum(status = 'overdue')                    AS n_overdue,
           sum(status = 'overdue' AND days_late > 30) AS n_stuck
    FROM progress
    GROUP BY customer_id
  ),
  phases AS (
    SELECT customer_id, phase, min(seq) AS first_seq,
           max(status IN ('overdue', 'pending')) AS is_open
    FROM progress
    WHERE phase IS NOT NULL
    GROUP BY customer_id, phase
  ),
  ordered AS (
    SELECT *, row_number() OVER (PARTITION BY customer_id
                                 ORDER BY first_seq, phase) AS k
    FROM phases
  ),
  reached AS (
    -- the phase before the first open one, or the last when none is open
    SELECT customer_id, coalesce(min(k) FILTER (WHERE is_open) - 1, max(k)) AS k
    FROM ordered
    GROUP BY customer_id
  )
SELECT c.customer_id, c.as_of,
       CASE WHEN n_stuck > 0 THEN 'stuck'
            WHEN n_overdue > 0 THEN 'behind'
            WHEN n_open = 0 THEN 'complete'
            ELSE 'on_track' END AS journey_status,
       o.phase AS stage
FROM counts AS c
LEFT JOIN reached AS r ON r.customer_id = c.customer_id
LEFT JOIN ordered AS o ON o.customer_id = r.customer_id AND o.k = r.k;
