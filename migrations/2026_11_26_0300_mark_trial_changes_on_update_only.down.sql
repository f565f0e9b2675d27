DROP TRIGGER trials_mark_change ON trials;
CREATE TRIGGER trials_mark_change BEFORE INSERT OR UPDATE ON trials
  FOR EACH ROW EXECUTE FUNCTION trials_mark_change();
