CREATE INDEX IF NOT EXISTS trial_intermediate_values_change ON trial_intermediate_values (change_xid);
