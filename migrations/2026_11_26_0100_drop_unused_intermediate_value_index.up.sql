-- Cache deltas find intermediate values through their trial (primary key prefix), never by change marker
-- alone; the index only cost a write per report.
DROP INDEX IF EXISTS trial_intermediate_values_change;
