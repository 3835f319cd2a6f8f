-- auditbench schema, version 9: the audit's context for the report (ISO/IEC
-- 17021-1 9.4.8, ISO 19011 6.5.1): sites, meetings, deviations, conclusions...
-- one row per recorded item (the vocabulary is domain::ContextItem). Each
-- change is in the audit trail; a reported audit's context is frozen with
-- the rest of its record.

CREATE TABLE audit_context (
    audit_id   TEXT NOT NULL REFERENCES audits(id) ON DELETE CASCADE,
    item       TEXT NOT NULL,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (audit_id, item)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER audit_context_history_insert AFTER INSERT ON audit_context
BEGIN
    INSERT INTO history_append VALUES (NEW.updated_at, NEW.audit_id, 'audit_context', NEW.item,
        NEW.item, 'created', NULL, json_object('item', NEW.item, 'value', NEW.value));
END;
CREATE TRIGGER audit_context_history_update AFTER UPDATE ON audit_context
BEGIN
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'audit_context', NEW.item,
        NEW.item, 'value', OLD.value, NEW.value WHERE OLD.value IS NOT NEW.value;
END;
CREATE TRIGGER audit_context_history_delete AFTER DELETE ON audit_context
BEGIN
    INSERT INTO history_append VALUES (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), OLD.audit_id,
        'audit_context', OLD.item, OLD.item, 'deleted',
        json_object('item', OLD.item, 'value', OLD.value), NULL);
END;

CREATE TRIGGER audit_context_reported_insert BEFORE INSERT ON audit_context
WHEN (SELECT status FROM audits WHERE id = NEW.audit_id) = 'reported'
BEGIN SELECT RAISE(ABORT, 'the audit is reported, so its findings and records are read-only; reopen it (with a reason) to change them'); END;
CREATE TRIGGER audit_context_reported_update BEFORE UPDATE ON audit_context
WHEN (SELECT status FROM audits WHERE id = NEW.audit_id) = 'reported'
BEGIN SELECT RAISE(ABORT, 'the audit is reported, so its findings and records are read-only; reopen it (with a reason) to change them'); END;
CREATE TRIGGER audit_context_reported_delete BEFORE DELETE ON audit_context
WHEN (SELECT status FROM audits WHERE id = OLD.audit_id) = 'reported'
BEGIN SELECT RAISE(ABORT, 'the audit is reported, so its findings and records are read-only; reopen it (with a reason) to change them'); END;
