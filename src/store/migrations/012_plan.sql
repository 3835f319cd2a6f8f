-- auditbench schema, version 12: the audit plan. Days and time slots made
-- before the visit and followed on site: when, where, who audits, which
-- clauses or processes, which of the client's people. In the audit trail;
-- frozen with the rest of a reported audit.

CREATE TABLE plan_slots (
    id         TEXT PRIMARY KEY,
    audit_id   TEXT NOT NULL REFERENCES audits(id) ON DELETE CASCADE,
    day        TEXT NOT NULL,   -- YYYY-MM-DD
    start      TEXT NOT NULL,   -- HH:MM
    end        TEXT NOT NULL,   -- HH:MM
    site       TEXT NOT NULL DEFAULT '',
    auditors   TEXT NOT NULL DEFAULT '',
    -- clause ids, space-separated
    clauses    TEXT NOT NULL DEFAULT '',
    -- processes or topic, in words
    subject    TEXT NOT NULL DEFAULT '',
    contacts   TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX plan_by_audit ON plan_slots (audit_id, day, start);

CREATE TRIGGER plan_slots_history_insert AFTER INSERT ON plan_slots
BEGIN
    INSERT INTO history_append VALUES (NEW.updated_at, NEW.audit_id, 'plan_slot', NEW.id, NEW.day || ' ' || NEW.start, 'created', NULL, json_object('day', NEW.day, 'start', NEW.start, 'end', NEW.end, 'site', NEW.site, 'auditors', NEW.auditors, 'clauses', NEW.clauses, 'subject', NEW.subject, 'contacts', NEW.contacts));
END;
CREATE TRIGGER plan_slots_history_update AFTER UPDATE ON plan_slots
BEGIN
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'plan_slot', NEW.id, NEW.day || ' ' || NEW.start, 'day', OLD.day, NEW.day WHERE OLD.day IS NOT NEW.day;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'plan_slot', NEW.id, NEW.day || ' ' || NEW.start, 'start', OLD.start, NEW.start WHERE OLD.start IS NOT NEW.start;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'plan_slot', NEW.id, NEW.day || ' ' || NEW.start, 'end', OLD.end, NEW.end WHERE OLD.end IS NOT NEW.end;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'plan_slot', NEW.id, NEW.day || ' ' || NEW.start, 'site', OLD.site, NEW.site WHERE OLD.site IS NOT NEW.site;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'plan_slot', NEW.id, NEW.day || ' ' || NEW.start, 'auditors', OLD.auditors, NEW.auditors WHERE OLD.auditors IS NOT NEW.auditors;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'plan_slot', NEW.id, NEW.day || ' ' || NEW.start, 'clauses', OLD.clauses, NEW.clauses WHERE OLD.clauses IS NOT NEW.clauses;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'plan_slot', NEW.id, NEW.day || ' ' || NEW.start, 'subject', OLD.subject, NEW.subject WHERE OLD.subject IS NOT NEW.subject;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'plan_slot', NEW.id, NEW.day || ' ' || NEW.start, 'contacts', OLD.contacts, NEW.contacts WHERE OLD.contacts IS NOT NEW.contacts;
END;
CREATE TRIGGER plan_slots_history_delete AFTER DELETE ON plan_slots
BEGIN
    INSERT INTO history_append VALUES (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), OLD.audit_id, 'plan_slot', OLD.id, OLD.day || ' ' || OLD.start, 'deleted', json_object('day', OLD.day, 'start', OLD.start, 'end', OLD.end, 'site', OLD.site, 'auditors', OLD.auditors, 'clauses', OLD.clauses, 'subject', OLD.subject, 'contacts', OLD.contacts), NULL);
END;
CREATE TRIGGER plan_slots_reported_insert BEFORE INSERT ON plan_slots
WHEN (SELECT status FROM audits WHERE id = NEW.audit_id) = 'reported'
BEGIN SELECT RAISE(ABORT, 'the audit is reported, so its findings and records are read-only; reopen it (with a reason) to change them'); END;
CREATE TRIGGER plan_slots_reported_update BEFORE UPDATE ON plan_slots
WHEN (SELECT status FROM audits WHERE id = NEW.audit_id) = 'reported'
BEGIN SELECT RAISE(ABORT, 'the audit is reported, so its findings and records are read-only; reopen it (with a reason) to change them'); END;
CREATE TRIGGER plan_slots_reported_delete BEFORE DELETE ON plan_slots
WHEN (SELECT status FROM audits WHERE id = OLD.audit_id) = 'reported'
BEGIN SELECT RAISE(ABORT, 'the audit is reported, so its findings and records are read-only; reopen it (with a reason) to change them'); END;

-- A follow-up carries the stage 1 document list (references and versions,
-- not reviewed): that is not yet work on the audit, which stays planned
-- until a document is reviewed or noted.
DROP TRIGGER audits_start_on_document_review;
CREATE TRIGGER audits_start_on_document_review AFTER INSERT ON document_reviews
WHEN (SELECT status FROM audits WHERE id = NEW.audit_id) = 'planned'
     AND (NEW.status <> 'not_reviewed' OR NEW.notes <> '')
BEGIN UPDATE audits SET status = 'in_progress', updated_at = NEW.updated_at WHERE id = NEW.audit_id; END;
