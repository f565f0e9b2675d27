-- Whether FAIL trials count toward max_trials (issue 7: the budget counts RUNNING, COMPLETE, PRUNED; FAIL configurable).
ALTER TABLE studies ADD COLUMN count_failed_trials boolean NOT NULL DEFAULT false;
