# milestone.tcl -- benchmark entries of ext/milestone.c (SPEC section 5).
#
# Data: dist/gen's accounts (journey = segment), journey_steps (enterprise 8
# milestones, mid-market 6, smb 5) and adoption_events (~70% of customers
# reach a prefix of their journey; ~3 events per customer on average), with
# the canonical indexes. as_of is the demo's last day, 2026-10-31.
#
# The reference (sql/reference/milestones.sql) is the same rows in plain
# SQL: a grouped LEFT JOIN of accounts x journey_steps x adoption_events
# through the indexes, with a temp view reading as_of from a temp table.

set milestone_setup "
  CREATE VIRTUAL TABLE temp.progress USING milestone_progress(
    milestones=journey_steps, customers=accounts, events=adoption_events,
    key=customer_id, start=start_date, at=at, as_of='2026-10-31');
  [reference milestones]
  UPDATE temp.milestone_ref_as_of SET as_of = '2026-10-31';"

# The whole table: milestones loaded once, customers and events each read
# in one pass in key order and merged.
bench_entry milestone_vtab {
  title  {milestone_progress virtual table, every customer and milestone}
  unit   customers
  sizes  {20000 200000}
  gen    {--tables accounts,journey_steps,adoption_events}
  setup  $milestone_setup
  ext    {SELECT count(*), count(achieved_at), sum(status = 'late'),
                 sum(status = 'overdue'), round(sum(days_late), 3)
          FROM progress}
  ref    {SELECT count(*), count(achieved_at), sum(status = 'late'),
                 sum(status = 'overdue'), round(sum(days_late), 3)
          FROM milestone_progress_ref}
  floor  {SELECT (SELECT count(start_date) FROM accounts),
                 (SELECT count(at) FROM adoption_events)}
  target {ref 0.5}
}

# One customer: the key equality pushed into the accounts and
# adoption_events queries (their indexes). Target: under 1 ms at 200,000.
bench_entry milestone_point {
  title  {milestone_progress lookup of one customer (WHERE customer_id = ?)}
  unit   customers
  sizes  {20000 200000}
  gen    {--tables accounts,journey_steps,adoption_events}
  setup  $milestone_setup
  ext    {SELECT count(*), group_concat(status), sum(days_late)
          FROM progress WHERE customer_id = 42}
  ref    {SELECT count(*), group_concat(status), sum(days_late)
          FROM (SELECT * FROM milestone_progress_ref WHERE customer_id = 42
                ORDER BY seq)}
  floor  {SELECT count(*) FROM adoption_events WHERE customer_id = 42}
}

# The journey status of every customer (the account_journey view's work).
bench_entry milestone_journey {
  title  {journey_status + milestone_phase per customer over the table}
  unit   customers
  sizes  {20000 200000}
  gen    {--tables accounts,journey_steps,adoption_events}
  setup  $milestone_setup
  ext    {SELECT journey_status, stage, count(*) FROM (
            SELECT journey_status(status, days_late) AS journey_status,
                   milestone_phase(phase, seq, status) AS stage
            FROM progress GROUP BY customer_id)
          GROUP BY 1, 2 ORDER BY 1, 2}
  ref    {SELECT journey_status, stage, count(*) FROM milestone_journey_ref
          GROUP BY 1, 2 ORDER BY 1, 2}
  floor  {SELECT (SELECT count(start_date) FROM accounts),
                 (SELECT count(at) FROM adoption_events)}
  target {ref 0.5}
}
