-- auditbench schema, version 17: requirement-level ratings in a rehearsal
-- (internal) audit. Each audit question of an assessable clause is rated
-- met, partly met, not met or not applicable (with a reason), with a note
-- and an evidence reference. In the audit trail; frozen with a reported
-- audit. Questions are numbered from 1 in the catalogue's order.

CREATE TABLE question_ratings (
    audit_id   TEXT NOT NULL REFERENCES audits(id) ON DELETE CASCADE,
    clause_id  TEXT NOT NULL,
    question   INTEGER NOT NULL CHECK (question >= 1),
    rating     TEXT NOT NULL CHECK (rating IN ('met','partly_met','not_met','not_applicable')),
    note       TEXT NOT NULL DEFAULT '',
    evidence   TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    PRIMARY KEY (audit_id, clause_id, question)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER question_ratings_history_insert AFTER INSERT ON question_ratings
BEGIN
    INSERT INTO history_append VALUES (NEW.updated_at, NEW.audit_id, 'question_rating', NEW.clause_id || '/' || NEW.question, NEW.clause_id || ' question ' || NEW.question, 'created', NULL, json_object('rating', NEW.rating, 'note', NEW.note, 'evidence', NEW.evidence));
END;
CREATE TRIGGER question_ratings_history_update AFTER UPDATE ON question_ratings
BEGIN
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'question_rating', NEW.clause_id || '/' || NEW.question, NEW.clause_id || ' question ' || NEW.question, 'rating', OLD.rating, NEW.rating WHERE OLD.rating IS NOT NEW.rating;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'question_rating', NEW.clause_id || '/' || NEW.question, NEW.clause_id || ' question ' || NEW.question, 'note', OLD.note, NEW.note WHERE OLD.note IS NOT NEW.note;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'question_rating', NEW.clause_id || '/' || NEW.question, NEW.clause_id || ' question ' || NEW.question, 'evidence', OLD.evidence, NEW.evidence WHERE OLD.evidence IS NOT NEW.evidence;
END;
CREATE TRIGGER question_ratings_history_delete AFTER DELETE ON question_ratings
BEGIN
    INSERT INTO history_append VALUES (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), OLD.audit_id, 'question_rating', OLD.clause_id || '/' || OLD.question, OLD.clause_id || ' question ' || OLD.question, 'deleted', json_object('rating', OLD.rating, 'note', OLD.note, 'evidence', OLD.evidence), NULL);
END;
CREATE TRIGGER question_ratings_reported_insert BEFORE INSERT ON question_ratings
WHEN (SELECT status FROM audits WHERE id = NEW.audit_id) = 'reported'
BEGIN SELECT RAISE(ABORT, 'the audit is reported, so its findings and records are read-only; reopen it (with a reason) to change them'); END;
CREATE TRIGGER question_ratings_reported_update BEFORE UPDATE ON question_ratings
WHEN (SELECT status FROM audits WHERE id = NEW.audit_id) = 'reported'
BEGIN SELECT RAISE(ABORT, 'the audit is reported, so its findings and records are read-only; reopen it (with a reason) to change them'); END;
CREATE TRIGGER question_ratings_reported_delete BEFORE DELETE ON question_ratings
WHEN (SELECT status FROM audits WHERE id = OLD.audit_id) = 'reported'
BEGIN SELECT RAISE(ABORT, 'the audit is reported, so its findings and records are read-only; reopen it (with a reason) to change them'); END;

-- A rating is work on the audit: a planned rehearsal is in progress.
CREATE TRIGGER audits_start_on_question_rating AFTER INSERT ON question_ratings
WHEN (SELECT status FROM audits WHERE id = NEW.audit_id) = 'planned'
BEGIN UPDATE audits SET status = 'in_progress', updated_at = NEW.updated_at WHERE id = NEW.audit_id; END;
