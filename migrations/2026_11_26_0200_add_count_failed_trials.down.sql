ALTER TABLE studies DROP COLUMN count_failed_trials;
