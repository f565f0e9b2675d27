-- A new trial's change_xid and revision come from the columns' defaults (pg_current_xact_id(), 0), which is what
-- the trigger set on INSERT: firing it per inserted row only cost a PL/pgSQL call per trial. Updates still need it.
DROP TRIGGER trials_mark_change ON trials;
CREATE TRIGGER trials_mark_change BEFORE UPDATE ON trials
  FOR EACH ROW EXECUTE FUNCTION trials_mark_change();
