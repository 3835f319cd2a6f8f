-- auditbench schema, version 19: the evidence window and the rehearsal
-- trend. A sample says which period its records cover (period_from,
-- period_to, YYYY-MM-DD or ''), so a rehearsal can show how many months of
-- records were seen per process. A rating copied into a follow-up rehearsal
-- from the earlier one is marked carried until it is rated again.

ALTER TABLE samples ADD COLUMN period_from TEXT NOT NULL DEFAULT '';
ALTER TABLE samples ADD COLUMN period_to TEXT NOT NULL DEFAULT '';
ALTER TABLE question_ratings ADD COLUMN carried INTEGER NOT NULL DEFAULT 0 CHECK (carried IN (0, 1));

CREATE TRIGGER samples_history_update_period AFTER UPDATE ON samples
BEGIN
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'sample', NEW.id, NEW.clause_id || ' ' || NEW.population, 'period_from', OLD.period_from, NEW.period_from WHERE OLD.period_from IS NOT NEW.period_from;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'sample', NEW.id, NEW.clause_id || ' ' || NEW.population, 'period_to', OLD.period_to, NEW.period_to WHERE OLD.period_to IS NOT NEW.period_to;
END;

-- A rating carried from the earlier rehearsal is not work on this one: only
-- a rating made here starts a planned rehearsal.
DROP TRIGGER audits_start_on_question_rating;
CREATE TRIGGER audits_start_on_question_rating AFTER INSERT ON question_ratings
WHEN NEW.carried = 0 AND (SELECT status FROM audits WHERE id = NEW.audit_id) = 'planned'
BEGIN UPDATE audits SET status = 'in_progress', updated_at = NEW.updated_at WHERE id = NEW.audit_id; END;
