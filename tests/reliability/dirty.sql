-- dirty.sql -- adversarial tables beside the canonical ones, for every
-- reliability harness. Applied after the canonical tables are filled (by
-- fixture.sql, or by dist/gen for the concurrency database): dirty_<table>
-- copies without constraints get adversarial cells (NULL keys, non-numeric
-- text, numeric text, BLOBs, negatives, huge numbers, malformed dates) so the
-- virtual tables' cell errors are reachable; empty_<table> and a view test
-- the edges; v(a, b, c, d) holds one adversarial value of each kind per row
-- for aggregates and window functions.
-- Unconstrained copies with adversarial cells.
CREATE TABLE dirty_accounts AS SELECT * FROM accounts;
INSERT INTO dirty_accounts VALUES
  (NULL, 'nokey', 'smb', '2024-01-01', NULL, 'std', 5),
  (20, 'textmrr', 'smb', '2024-01-01', NULL, 'std', 'abc'),
  (21, 'nummrr', NULL, '2024-01-01', NULL, 'std', '12'),
  (22, 'blobmrr', 'smb', x'01', NULL, x'00', x'01'),
  (23, 'negmrr', 'smb', '2024-02-30', NULL, 'nope', -5),
  (24, 'huge', 'smb', 99999999999, NULL, 'std', 1e308),
  (25, 'inf', 'smb', '', NULL, 'std', 9e999),
  ('k26', 'nullmrr', 'smb', NULL, NULL, NULL, NULL);
CREATE TABLE dirty_mrr_history AS SELECT * FROM mrr_history;
INSERT INTO dirty_mrr_history VALUES
  (NULL, '2024-01', 10, NULL), (20, NULL, 10, NULL), (21, '2024-01', NULL, NULL),
  (22, '2024-13', 10, NULL), (23, 'abc', 10, NULL), (24, '2024-01', 'abc', NULL),
  (25, '2024-01', -1, NULL), (26, x'00', x'01', NULL), (27, 2460000.5, '12', NULL),
  (28, '2024-01-15 10:00', 1e308, NULL), (28, '2024-02', 1e308, NULL),
  (29, -99999999999999, 5, NULL), (30, '9999-12', 9e999, NULL);
CREATE TABLE dirty_health_history AS SELECT * FROM health_history;
INSERT INTO dirty_health_history VALUES
  (1, 'abc', 50), (2, '2024-01-01', 150), (3, '2024-01-01', -1),
  (5, x'01', 'x'), (6, NULL, 20), (NULL, '2024-01-01', 20), (7, 0, 9e999);
CREATE TABLE dirty_journey_steps AS SELECT * FROM journey_steps;
INSERT INTO dirty_journey_steps VALUES
  ('std', 5, NULL, 'x', 10), ('std', NULL, 'nulls', NULL, 10),
  ('std', 6, 'neg', NULL, -3), ('std', 7, 'txt', NULL, 'abc'),
  ('std', 8, 'blob', NULL, x'01'), ('std', 3, 'dupseq', NULL, 14),
  (NULL, 1, 'nojourney', NULL, 1), ('std', 9, 'huge', NULL, 1e308);
CREATE TABLE dirty_adoption_events AS SELECT * FROM adoption_events;
INSERT INTO dirty_adoption_events VALUES
  (1, 'kickoff', 'not a date'), (2, NULL, '2024-01-01'), (NULL, 'kickoff', '2024-01-01'),
  (3, 'kickoff', x'01'), (4, 'kickoff', NULL), (5, 'kickoff', -1e300);
CREATE TABLE dirty_nps_responses AS SELECT * FROM nps_responses;
INSERT INTO dirty_nps_responses VALUES
  (1, '2024-01-01', 11, NULL), (2, '2024-01-01', -1, NULL), (3, '2024-01-01', 9.5, NULL),
  (4, '2024-01-01', 'x', NULL), (5, '2024-01-01', NULL, NULL), (6, '2024-01-01', '9', NULL);
CREATE TABLE dirty_churn_reasons AS SELECT * FROM churn_reasons;
INSERT INTO dirty_churn_reasons VALUES
  (1, '2024-03', 'x', 2), (2, 'abc', 'x', 1), (3, '2024-03', NULL, NULL),
  (4, '2024-03', 'x', 'yes'), (NULL, '2024-03', 'x', 0);
CREATE TABLE dirty_scorecard AS SELECT * FROM scorecard;
INSERT INTO dirty_scorecard VALUES
  ('same', 1, 5, 5, NULL), ('negw', -1, 0, 10, NULL), ('txt', 'abc', 0, 10, NULL),
  ('nul', NULL, NULL, NULL, NULL);

-- Empty sources and a view over one.
CREATE TABLE empty_accounts AS SELECT * FROM accounts WHERE 0;
CREATE TABLE empty_mrr_history AS SELECT * FROM mrr_history WHERE 0;
CREATE VIEW smb_accounts AS SELECT * FROM accounts WHERE segment = 'smb';
-- Generic adversarial values, one column each kind, for aggregates/windows.
CREATE TABLE v(a, b, c, d);
INSERT INTO v VALUES
  (1, 2, '2024-01-01', 'x'), (NULL, NULL, NULL, NULL), ('12', ' 3.5 ', '2024-02-30', ''),
  (x'01', x'', 2460000.5, 'abc'), (9e999, -9e999, 1e18, '[1,2'),
  (-1, 0, '2024-01-01T10:00:00Z', '[]'), (1e308, -1e308, -210866760001, '[null,3]'),
  (100, 100, '2024-03-10 12:30:00.123+02:00', '[500,100]'),
  (0.5, 1, 0, '[5,"x"]'), (50, 2.5e-300, '2024-12-31', 'promoter');
