-- auditbench schema, version 18: a rehearsal's gap plan. Every question
-- rated partly met or not met, and every nonconformity or observation of
-- the rehearsal, is a gap; this table holds what is planned about it: an
-- owner, an action, a target date and a state. A gap is named by its source:
-- 'question' and "CLAUSE/N", or 'finding' and the finding's id. In the
-- audit trail; frozen with a reported audit.

CREATE TABLE gaps (
    audit_id    TEXT NOT NULL REFERENCES audits(id) ON DELETE CASCADE,
    source_kind TEXT NOT NULL CHECK (source_kind IN ('question', 'finding')),
    source_key  TEXT NOT NULL,
    owner       TEXT NOT NULL DEFAULT '',
    action      TEXT NOT NULL DEFAULT '',
    target_date TEXT NOT NULL DEFAULT '',
    state       TEXT NOT NULL DEFAULT 'planned' CHECK (state IN ('planned', 'in_progress', 'done')),
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (audit_id, source_kind, source_key)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER gaps_history_insert AFTER INSERT ON gaps
BEGIN
    INSERT INTO history_append VALUES (NEW.updated_at, NEW.audit_id, 'gap', NEW.source_kind || ':' || NEW.source_key, 'gap ' || NEW.source_key, 'created', NULL, json_object('owner', NEW.owner, 'action', NEW.action, 'target_date', NEW.target_date, 'state', NEW.state));
END;
CREATE TRIGGER gaps_history_update AFTER UPDATE ON gaps
BEGIN
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'gap', NEW.source_kind || ':' || NEW.source_key, 'gap ' || NEW.source_key, 'owner', OLD.owner, NEW.owner WHERE OLD.owner IS NOT NEW.owner;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'gap', NEW.source_kind || ':' || NEW.source_key, 'gap ' || NEW.source_key, 'action', OLD.action, NEW.action WHERE OLD.action IS NOT NEW.action;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'gap', NEW.source_kind || ':' || NEW.source_key, 'gap ' || NEW.source_key, 'target_date', OLD.target_date, NEW.target_date WHERE OLD.target_date IS NOT NEW.target_date;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'gap', NEW.source_kind || ':' || NEW.source_key, 'gap ' || NEW.source_key, 'state', OLD.state, NEW.state WHERE OLD.state IS NOT NEW.state;
END;
CREATE TRIGGER gaps_history_delete AFTER DELETE ON gaps
BEGIN
    INSERT INTO history_append VALUES (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), OLD.audit_id, 'gap', OLD.source_kind || ':' || OLD.source_key, 'gap ' || OLD.source_key, 'deleted', json_object('owner', OLD.owner, 'action', OLD.action, 'target_date', OLD.target_date, 'state', OLD.state), NULL);
END;
CREATE TRIGGER gaps_reported_insert BEFORE INSERT ON gaps
WHEN (SELECT status FROM audits WHERE id = NEW.audit_id) = 'reported'
BEGIN SELECT RAISE(ABORT, 'the audit is reported, so its findings and records are read-only; reopen it (with a reason) to change them'); END;
CREATE TRIGGER gaps_reported_update BEFORE UPDATE ON gaps
WHEN (SELECT status FROM audits WHERE id = NEW.audit_id) = 'reported'
BEGIN SELECT RAISE(ABORT, 'the audit is reported, so its findings and records are read-only; reopen it (with a reason) to change them'); END;
CREATE TRIGGER gaps_reported_delete BEFORE DELETE ON gaps
WHEN (SELECT status FROM audits WHERE id = OLD.audit_id) = 'reported'
BEGIN SELECT RAISE(ABORT, 'the audit is reported, so its findings and records are read-only; reopen it (with a reason) to change them'); END;
