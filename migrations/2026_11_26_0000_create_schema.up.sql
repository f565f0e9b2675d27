-- hpo schema: studies, their trials, intermediate values, and request ids for idempotent retries.
-- Runs unchanged on Postgres 15+ and on PGlite. Values are double precision (never jsonb) so that NaN and
-- ±Infinity survive a round trip.

CREATE TABLE studies (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL,
  directions text[] NOT NULL,
  sampler jsonb NOT NULL,
  pruner jsonb NOT NULL,
  seed bigint NOT NULL,
  user_attrs jsonb NOT NULL DEFAULT '{}'::jsonb,
  system_attrs jsonb NOT NULL DEFAULT '{}'::jsonb,
  max_trials integer,
  heartbeat_grace_seconds integer NOT NULL DEFAULT 60,
  max_retries integer NOT NULL DEFAULT 0,
  state text NOT NULL DEFAULT 'RUNNING',
  next_trial_number integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT studies_name_unique UNIQUE (name),
  CONSTRAINT studies_name_length CHECK (char_length(name) BETWEEN 1 AND 256),
  CONSTRAINT studies_directions_valid CHECK (
    cardinality(directions) >= 1 AND directions <@ ARRAY['minimize', 'maximize']::text[]
  ),
  CONSTRAINT studies_state_valid CHECK (state IN ('RUNNING', 'DONE')),
  CONSTRAINT studies_max_trials_positive CHECK (max_trials IS NULL OR max_trials >= 1),
  CONSTRAINT studies_failure_policy_valid CHECK (heartbeat_grace_seconds >= 0 AND max_retries >= 0)
);

CREATE TABLE trials (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  study_id bigint NOT NULL REFERENCES studies (id) ON DELETE CASCADE,
  number integer NOT NULL,
  state text NOT NULL,
  -- name -> {"distribution": {...}, "internal": number}; internal values are always finite.
  params jsonb NOT NULL DEFAULT '{}'::jsonb,
  "values" double precision[],
  constraints double precision[],
  user_attrs jsonb NOT NULL DEFAULT '{}'::jsonb,
  system_attrs jsonb NOT NULL DEFAULT '{}'::jsonb,
  worker_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  completed_at timestamptz,
  last_heartbeat_at timestamptz,
  -- Number of the failed trial this one retries.
  retry_of integer,
  -- The writing transaction's id (set by trigger). Readers remember the xmin of their snapshot and next
  -- time read rows whose marker is >= it: that catches rows committed out of order by concurrent
  -- transactions, which a plain increasing revision number would miss.
  change_xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
  -- Incremented on every update (rows are updated under row locks, so this orders versions of one row).
  revision integer NOT NULL DEFAULT 0,
  CONSTRAINT trials_study_number_unique UNIQUE (study_id, number),
  CONSTRAINT trials_state_valid CHECK (state IN ('WAITING', 'RUNNING', 'COMPLETE', 'PRUNED', 'FAIL')),
  CONSTRAINT trials_number_non_negative CHECK (number >= 0)
);

CREATE INDEX trials_study_state_number ON trials (study_id, state, number);
CREATE INDEX trials_study_change ON trials (study_id, change_xid);
CREATE INDEX trials_running_lease ON trials ((coalesce(last_heartbeat_at, started_at))) WHERE state = 'RUNNING';

CREATE FUNCTION trials_mark_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.change_xid := pg_current_xact_id();
  IF TG_OP = 'UPDATE' THEN
    NEW.revision := OLD.revision + 1;
  ELSE
    NEW.revision := 0;
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER trials_mark_change BEFORE INSERT OR UPDATE ON trials
  FOR EACH ROW EXECUTE FUNCTION trials_mark_change();

CREATE TABLE trial_intermediate_values (
  trial_id bigint NOT NULL REFERENCES trials (id) ON DELETE CASCADE,
  step bigint NOT NULL,
  value double precision NOT NULL,
  change_xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
  CONSTRAINT trial_intermediate_values_pk PRIMARY KEY (trial_id, step),
  CONSTRAINT trial_intermediate_values_step_non_negative CHECK (step >= 0)
);

CREATE INDEX trial_intermediate_values_change ON trial_intermediate_values (change_xid);

-- A mutating call's response, kept so that a client retrying after a lost reply gets the same answer.
CREATE TABLE request_ids (
  key text NOT NULL,
  method text NOT NULL,
  response jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT request_ids_pk PRIMARY KEY (method, key)
);

CREATE INDEX request_ids_created_at ON request_ids (created_at);
