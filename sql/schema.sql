-- sqlite-success canonical schema for customer-success data.
--
-- Every table here is plain SQLite: the extension only reads them (its
-- virtual tables take table names as options and never write). Names of
-- columns follow the defaults used in docs/ and examples/, so the ready-made
-- views in sql/views/ work unchanged on data loaded into this schema.
--
-- Conventions
--   * customer_id is the account key everywhere (INTEGER here; TEXT keys work
--     with the extension too).
--   * Dates are TEXT 'YYYY-MM-DD' (or 'YYYY-MM-DD HH:MM:SS'); months are TEXT
--     'YYYY-MM'. Any form SQLite's date functions accept is read by the
--     extension.
--   * Money (MRR) is a non-negative REAL in the account's currency per month.
--   * Scores are REAL in [0, 100]; NPS answers are INTEGER 0..10.

-- One row per customer account.
CREATE TABLE IF NOT EXISTS accounts (
  customer_id INTEGER PRIMARY KEY,
  name        TEXT NOT NULL,
  segment     TEXT NOT NULL,        -- 'enterprise' | 'mid-market' | 'smb'
  start_date  TEXT NOT NULL,        -- first day as a customer
  fit         TEXT,                 -- ideal-customer-profile fit: 'ideal' | 'good' | 'poor'
  journey     TEXT,                 -- onboarding journey followed (journey_steps.journey)
  mrr         REAL NOT NULL DEFAULT 0 CHECK (mrr >= 0)  -- current MRR (last month of mrr_history)
);
CREATE INDEX IF NOT EXISTS accounts_segment ON accounts(segment);

-- Monthly recurring revenue, one row per customer, month and subscription
-- (several rows of one customer and month are summed by the extension).
-- A month missing between two months counts as 0 MRR.
CREATE TABLE IF NOT EXISTS mrr_history (
  customer_id INTEGER NOT NULL,
  month       TEXT NOT NULL,        -- 'YYYY-MM'
  mrr         REAL NOT NULL CHECK (mrr >= 0),
  plan        TEXT                  -- subscription / product line
);
-- mrr_movements and churn_classification read (customer_id, month) in order.
CREATE INDEX IF NOT EXISTS mrr_history_key ON mrr_history(customer_id, month);

-- The scorecard: how each raw health measure becomes a 0..100 score.
-- score = health_scale(value, worst, best); the account score is
-- health_score(score, weight). worst > best means lower is better.
CREATE TABLE IF NOT EXISTS scorecard (
  measure     TEXT PRIMARY KEY,
  weight      REAL NOT NULL CHECK (weight >= 0),
  worst       REAL NOT NULL,
  best        REAL NOT NULL CHECK (best <> worst),
  description TEXT
);

-- Raw health measures as observed (usage, responsiveness, survey signals).
-- The latest row per (customer, measure) is the current value.
CREATE TABLE IF NOT EXISTS health_measures (
  customer_id INTEGER NOT NULL,
  measure     TEXT NOT NULL,        -- scorecard.measure
  at          TEXT NOT NULL,        -- date observed
  value       REAL                  -- NULL: not measured (shown as missing)
);
CREATE INDEX IF NOT EXISTS health_measures_key ON health_measures(customer_id, measure, at);

-- Health score history (e.g. weekly snapshots of the account score).
CREATE TABLE IF NOT EXISTS health_history (
  customer_id INTEGER NOT NULL,
  at          TEXT NOT NULL,
  score       REAL CHECK (score BETWEEN 0 AND 100)
);
CREATE INDEX IF NOT EXISTS health_history_key ON health_history(customer_id, at);

-- Engagement model: the milestones of each journey, with expected timeframes.
CREATE TABLE IF NOT EXISTS journey_steps (
  journey     TEXT NOT NULL,
  seq         INTEGER NOT NULL,     -- order within the journey
  milestone   TEXT NOT NULL,
  phase       TEXT,                 -- effectiveness (maturity) stage
  due_day     REAL NOT NULL CHECK (due_day >= 0),  -- days after start_date
  PRIMARY KEY (journey, milestone)
);

-- Adoption events: a customer reached a milestone at a moment.
CREATE TABLE IF NOT EXISTS adoption_events (
  customer_id INTEGER NOT NULL,
  milestone   TEXT NOT NULL,
  at          TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS adoption_events_key ON adoption_events(customer_id, milestone, at);

-- NPS survey responses.
CREATE TABLE IF NOT EXISTS nps_responses (
  customer_id INTEGER NOT NULL,
  responded_at TEXT NOT NULL,
  score       INTEGER NOT NULL CHECK (score BETWEEN 0 AND 10),
  comment     TEXT
);
CREATE INDEX IF NOT EXISTS nps_responses_key ON nps_responses(customer_id, responded_at);

-- Why a customer churned or contracted, as recorded by the CSM.
-- avoidable = 0 only when something happened to the customer (acquired,
-- out of business, ...); failing to reach the Desired Outcome is avoidable.
CREATE TABLE IF NOT EXISTS churn_reasons (
  customer_id INTEGER NOT NULL,
  period      TEXT NOT NULL,        -- month of the churn/contraction, 'YYYY-MM'
  reason      TEXT NOT NULL,
  avoidable   INTEGER NOT NULL CHECK (avoidable IN (0, 1))
);
CREATE INDEX IF NOT EXISTS churn_reasons_key ON churn_reasons(customer_id, period);

-- Renewal decisions, for backtesting health scores (did the score predict?).
CREATE TABLE IF NOT EXISTS renewals (
  customer_id  INTEGER NOT NULL,
  renewal_date TEXT NOT NULL,
  renewed      INTEGER NOT NULL CHECK (renewed IN (0, 1)),
  PRIMARY KEY (customer_id, renewal_date)
);
