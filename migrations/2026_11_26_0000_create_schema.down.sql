DROP TABLE IF EXISTS request_ids;
DROP TABLE IF EXISTS trial_intermediate_values;
DROP TABLE IF EXISTS trials;
DROP FUNCTION IF EXISTS trials_mark_change();
DROP TABLE IF EXISTS studies;
