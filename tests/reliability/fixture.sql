-- fixture.sql -- the small source tables every reliability harness uses
-- (OOM driver, fuzz targets, nothing-lost test, bad-input matrix).
-- Applied after sql/schema.sql, before dirty.sql: the canonical tables get a
-- few clean rows of every shape (ties, zeros, churn, reactivation, a journey
-- per segment, events for unknown customers and milestones).
INSERT INTO accounts(customer_id, name, segment, start_date, fit, journey, mrr) VALUES
  (1, 'Acme', 'enterprise', '2024-01-01', 'ideal', 'ent', 900),
  (2, 'Birch', 'enterprise', '2024-01-15', 'good', 'ent', 900),
  (3, 'Cobalt', 'mid-market', '2024-02-01', 'good', 'std', 300),
  (4, 'Dune', 'mid-market', '2024-02-29', 'poor', 'std', 120.5),
  (5, 'Elm', 'smb', '2024-03-10 12:30:00', 'ideal', 'std', 50),
  (6, 'Fjord', 'smb', '2024-04-01', NULL, NULL, 0),
  (7, 'Gale', 'smb', '2024-05-01', 'good', 'std', 10),
  (8, 'Haze', 'smb', '2024-06-30', 'poor', 'std', 0);

INSERT INTO mrr_history(customer_id, month, mrr, plan) VALUES
  (1, '2024-01', 800, 'pro'), (1, '2024-02', 800, 'pro'),
  (1, '2024-03', 900, 'pro'), (1, '2024-04', 900, 'pro'),
  (1, '2024-05', 900, 'pro'), (1, '2024-06', 900, 'pro'),
  (2, '2024-01', 500, 'pro'), (2, '2024-01', 400, 'addon'),
  (2, '2024-02', 900, 'pro'), (2, '2024-04', 900, 'pro'),
  (2, '2024-05', 900, 'pro'), (2, '2024-06', 900, 'pro'),
  (3, '2024-02', 400, 'std'), (3, '2024-03', 300, 'std'),
  (3, '2024-04', 300, 'std'), (3, '2024-05', 300, 'std'),
  (3, '2024-06', 300, 'std'),
  (4, '2024-02', 100, 'std'), (4, '2024-03', 120.5, 'std'),
  (4, '2024-06', 120.5, 'std'),
  (5, '2024-03', 50, 'lite'), (5, '2024-04', 0, 'lite'),
  (5, '2024-05', 50, 'lite'), (5, '2024-06', 50, 'lite'),
  (6, '2024-04', 70, 'lite'), (6, '2024-05', 0, 'lite'),
  (7, '2024-05', 10, 'lite'), (7, '2024-06', 10, 'lite'),
  (8, '2024-06', 0, 'lite');

INSERT INTO scorecard(measure, weight, worst, best, description) VALUES
  ('logins', 3, 0, 30, 'logins per month'),
  ('tickets', 1, 10, 0, 'open support tickets (lower is better)'),
  ('nps', 2, 0, 10, 'last NPS answer'),
  ('unused', 0, 0, 1, 'weight zero');

INSERT INTO health_measures(customer_id, measure, at, value) VALUES
  (1, 'logins', '2024-06-01', 25), (1, 'tickets', '2024-06-01', 1),
  (1, 'nps', '2024-06-01', 9), (2, 'logins', '2024-06-01', 3),
  (2, 'tickets', '2024-06-01', 12), (2, 'nps', '2024-06-01', NULL),
  (3, 'logins', '2024-06-01', 15), (3, 'tickets', '2024-06-01', 0),
  (5, 'logins', '2024-06-01', 40), (6, 'unused', '2024-06-01', 1);

INSERT INTO health_history(customer_id, at, score) VALUES
  (1, '2024-01-01', 80), (1, '2024-02-01', 82), (1, '2024-03-01', 85),
  (2, '2024-01-01', 60), (2, '2024-02-01', 40), (2, '2024-03-01', 20),
  (3, '2024-01-15', 50), (3, '2024-02-15', 50),
  (5, '2024-02-01', 30), (5, '2024-03-01', NULL), (5, '2024-03-15', 35),
  (6, '2024-04-10', 10), (6, '2024-04-20', 45.5),
  (7, '2024-05-01', 100);

INSERT INTO journey_steps(journey, seq, milestone, phase, due_day) VALUES
  ('ent', 1, 'kickoff', 'onboard', 7), ('ent', 2, 'sso', 'onboard', 30),
  ('ent', 3, 'first_report', 'adopt', 45), ('ent', 4, 'exec_review', 'value', 90),
  ('std', 1, 'kickoff', 'onboard', 3), ('std', 2, 'first_report', 'adopt', 14),
  ('std', 3, 'invite_team', 'adopt', 14), ('std', 4, 'integration', 'value', 60.5);

INSERT INTO adoption_events(customer_id, milestone, at) VALUES
  (1, 'kickoff', '2024-01-05'), (1, 'sso', '2024-02-10'),
  (1, 'first_report', '2024-02-01'), (1, 'exec_review', '2024-03-20'),
  (2, 'kickoff', '2024-01-20'), (2, 'kickoff', '2024-01-16'),
  (3, 'kickoff', '2024-02-02'), (3, 'first_report', '2024-03-01'),
  (4, 'kickoff', '2024-03-01 08:00:00'), (5, 'integration', '2024-04-01'),
  (9, 'kickoff', '2024-01-01'), (3, 'no_such_step', '2024-02-05'),
  (7, 'kickoff', '2025-01-01');

INSERT INTO nps_responses(customer_id, responded_at, score, comment) VALUES
  (1, '2024-03-01', 10, 'great'), (1, '2024-06-01', 9, NULL),
  (2, '2024-03-01', 3, 'slow'), (3, '2024-03-01', 7, NULL),
  (4, '2024-03-01', 8, NULL), (5, '2024-03-01', 0, 'no'),
  (6, '2024-04-01', 6, NULL), (7, '2024-05-01', 9, NULL);

INSERT INTO churn_reasons(customer_id, period, reason, avoidable) VALUES
  (3, '2024-03', 'budget cut', 1), (5, '2024-04', 'acquired', 0),
  (6, '2024-05', 'no value', 1);

INSERT INTO renewals(customer_id, renewal_date, renewed) VALUES
  (1, '2024-06-30', 1), (2, '2024-06-30', 0), (3, '2024-06-30', 1),
  (5, '2024-06-30', 0), (6, '2024-06-30', 0), (7, '2024-06-30', 1);

