-- auditbench schema, version 10: the certification cycle (ISO/IEC 17021-1
-- 9.1.3). Audits belong to a client (certificate, scope, dates, cycle start);
-- a follow-up audit (surveillance, recertification) records which audit it
-- follows, and carries the earlier nonconformities not yet closed and
-- verified, and the last audit's observations and opportunities, as
-- verification items with an outcome. Clients and carried items are in
-- the audit trail like every record; a reported audit's carried items are
-- frozen with the rest of it.

CREATE TABLE clients (
    id                 TEXT PRIMARY KEY,
    name               TEXT NOT NULL,
    certificate_number TEXT NOT NULL DEFAULT '',
    certificate_scope  TEXT NOT NULL DEFAULT '',
    issued_on          TEXT NOT NULL DEFAULT '',
    expires_on         TEXT NOT NULL DEFAULT '',
    cycle_start        TEXT NOT NULL DEFAULT '',
    -- clauses looked at on every visit of the cycle, space-separated
    every_visit        TEXT NOT NULL DEFAULT '',
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
) STRICT;
CREATE INDEX clients_by_name ON clients (name);

-- the trail: a client's rows carry its own id where an audit's carry the audit's
CREATE TRIGGER clients_history_insert AFTER INSERT ON clients
BEGIN
    INSERT INTO history_append VALUES (NEW.updated_at, NEW.id, 'client', NEW.id, NEW.name, 'created', NULL, json_object('name', NEW.name, 'certificate_number', NEW.certificate_number, 'certificate_scope', NEW.certificate_scope, 'issued_on', NEW.issued_on, 'expires_on', NEW.expires_on, 'cycle_start', NEW.cycle_start, 'every_visit', NEW.every_visit));
END;
CREATE TRIGGER clients_history_update AFTER UPDATE ON clients
BEGIN
    INSERT INTO history_append SELECT NEW.updated_at, NEW.id, 'client', NEW.id, NEW.name, 'name', OLD.name, NEW.name WHERE OLD.name IS NOT NEW.name;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.id, 'client', NEW.id, NEW.name, 'certificate_number', OLD.certificate_number, NEW.certificate_number WHERE OLD.certificate_number IS NOT NEW.certificate_number;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.id, 'client', NEW.id, NEW.name, 'certificate_scope', OLD.certificate_scope, NEW.certificate_scope WHERE OLD.certificate_scope IS NOT NEW.certificate_scope;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.id, 'client', NEW.id, NEW.name, 'issued_on', OLD.issued_on, NEW.issued_on WHERE OLD.issued_on IS NOT NEW.issued_on;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.id, 'client', NEW.id, NEW.name, 'expires_on', OLD.expires_on, NEW.expires_on WHERE OLD.expires_on IS NOT NEW.expires_on;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.id, 'client', NEW.id, NEW.name, 'cycle_start', OLD.cycle_start, NEW.cycle_start WHERE OLD.cycle_start IS NOT NEW.cycle_start;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.id, 'client', NEW.id, NEW.name, 'every_visit', OLD.every_visit, NEW.every_visit WHERE OLD.every_visit IS NOT NEW.every_visit;
END;
CREATE TRIGGER clients_history_delete AFTER DELETE ON clients
BEGIN
    INSERT INTO history_append VALUES (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), OLD.id, 'client', OLD.id, OLD.name, 'deleted', json_object('name', OLD.name, 'certificate_number', OLD.certificate_number, 'certificate_scope', OLD.certificate_scope, 'issued_on', OLD.issued_on, 'expires_on', OLD.expires_on, 'cycle_start', OLD.cycle_start, 'every_visit', OLD.every_visit), NULL);
END;

ALTER TABLE audits ADD COLUMN client_id TEXT NOT NULL DEFAULT '';
ALTER TABLE audits ADD COLUMN follows TEXT NOT NULL DEFAULT '';
CREATE INDEX audits_by_client ON audits (client_id, start_date);

DROP TRIGGER audits_history_insert;
CREATE TRIGGER audits_history_insert AFTER INSERT ON audits
BEGIN
    INSERT INTO history_append VALUES (NEW.updated_at, NEW.id, 'audit', NEW.id, NEW.organisation, 'created', NULL, json_object('organisation', NEW.organisation, 'scope', NEW.scope, 'catalogue_id', NEW.catalogue_id, 'edition', NEW.edition, 'audit_type', NEW.audit_type, 'certification_body', NEW.certification_body, 'lead_auditor', NEW.lead_auditor, 'team', NEW.team, 'start_date', NEW.start_date, 'end_date', NEW.end_date, 'status', NEW.status, 'recommendation', NEW.recommendation, 'recommendation_note', NEW.recommendation_note, 'client_id', NEW.client_id, 'follows', NEW.follows));
END;
DROP TRIGGER audits_history_delete;
CREATE TRIGGER audits_history_delete AFTER DELETE ON audits
BEGIN
    INSERT INTO history_append VALUES (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), OLD.id, 'audit', OLD.id, OLD.organisation, 'deleted', json_object('organisation', OLD.organisation, 'scope', OLD.scope, 'catalogue_id', OLD.catalogue_id, 'edition', OLD.edition, 'audit_type', OLD.audit_type, 'certification_body', OLD.certification_body, 'lead_auditor', OLD.lead_auditor, 'team', OLD.team, 'start_date', OLD.start_date, 'end_date', OLD.end_date, 'status', OLD.status, 'recommendation', OLD.recommendation, 'recommendation_note', OLD.recommendation_note, 'client_id', OLD.client_id, 'follows', OLD.follows), NULL);
END;
DROP TRIGGER audits_history_update;
CREATE TRIGGER audits_history_update AFTER UPDATE ON audits
BEGIN
    INSERT INTO history_append SELECT NEW.updated_at, NEW.id, 'audit', NEW.id, NEW.organisation, 'organisation', OLD.organisation, NEW.organisation WHERE OLD.organisation IS NOT NEW.organisation;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.id, 'audit', NEW.id, NEW.organisation, 'scope', OLD.scope, NEW.scope WHERE OLD.scope IS NOT NEW.scope;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.id, 'audit', NEW.id, NEW.organisation, 'catalogue_id', OLD.catalogue_id, NEW.catalogue_id WHERE OLD.catalogue_id IS NOT NEW.catalogue_id;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.id, 'audit', NEW.id, NEW.organisation, 'edition', OLD.edition, NEW.edition WHERE OLD.edition IS NOT NEW.edition;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.id, 'audit', NEW.id, NEW.organisation, 'audit_type', OLD.audit_type, NEW.audit_type WHERE OLD.audit_type IS NOT NEW.audit_type;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.id, 'audit', NEW.id, NEW.organisation, 'certification_body', OLD.certification_body, NEW.certification_body WHERE OLD.certification_body IS NOT NEW.certification_body;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.id, 'audit', NEW.id, NEW.organisation, 'lead_auditor', OLD.lead_auditor, NEW.lead_auditor WHERE OLD.lead_auditor IS NOT NEW.lead_auditor;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.id, 'audit', NEW.id, NEW.organisation, 'team', OLD.team, NEW.team WHERE OLD.team IS NOT NEW.team;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.id, 'audit', NEW.id, NEW.organisation, 'start_date', OLD.start_date, NEW.start_date WHERE OLD.start_date IS NOT NEW.start_date;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.id, 'audit', NEW.id, NEW.organisation, 'end_date', OLD.end_date, NEW.end_date WHERE OLD.end_date IS NOT NEW.end_date;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.id, 'audit', NEW.id, NEW.organisation, 'status', OLD.status, NEW.status WHERE OLD.status IS NOT NEW.status;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.id, 'audit', NEW.id, NEW.organisation, 'recommendation', OLD.recommendation, NEW.recommendation WHERE OLD.recommendation IS NOT NEW.recommendation;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.id, 'audit', NEW.id, NEW.organisation, 'recommendation_note', OLD.recommendation_note, NEW.recommendation_note WHERE OLD.recommendation_note IS NOT NEW.recommendation_note;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.id, 'audit', NEW.id, NEW.organisation, 'client_id', OLD.client_id, NEW.client_id WHERE OLD.client_id IS NOT NEW.client_id;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.id, 'audit', NEW.id, NEW.organisation, 'follows', OLD.follows, NEW.follows WHERE OLD.follows IS NOT NEW.follows;
END;

-- every existing audit attached to a client of its organisation's name
INSERT INTO clients (id, name, created_at, updated_at)
    SELECT lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))), organisation, min(created_at), max(updated_at)
    FROM audits GROUP BY organisation;
UPDATE audits SET client_id = (SELECT id FROM clients WHERE clients.name = audits.organisation);

CREATE TABLE carried_findings (
    id                 TEXT PRIMARY KEY,
    audit_id           TEXT NOT NULL REFERENCES audits(id) ON DELETE CASCADE,
    -- the finding carried, in an earlier audit of the client
    finding_id         TEXT NOT NULL,
    from_audit_id      TEXT NOT NULL,
    -- as it was: reference, the audit it was raised in, grade, title, statement
    reference          TEXT NOT NULL,
    origin             TEXT NOT NULL,
    grade              TEXT NOT NULL,
    -- the clause in this audit's edition, and as raised
    clause_id          TEXT NOT NULL,
    original_clause_id TEXT NOT NULL,
    title              TEXT NOT NULL,
    statement          TEXT NOT NULL,
    outcome            TEXT NOT NULL DEFAULT 'pending'
        CHECK (outcome IN ('pending', 'effective', 'not_effective', 'still_open', 'looked_at')),
    evidence           TEXT NOT NULL DEFAULT '',
    -- the finding raised in this audit when the action was not effective
    raised_finding_id  TEXT NOT NULL DEFAULT '',
    updated_at         TEXT NOT NULL,
    UNIQUE (audit_id, finding_id)
) STRICT;
CREATE INDEX carried_by_finding ON carried_findings (finding_id);

CREATE TRIGGER carried_findings_history_insert AFTER INSERT ON carried_findings
BEGIN
    INSERT INTO history_append VALUES (NEW.updated_at, NEW.audit_id, 'carried', NEW.id, NEW.reference, 'created', NULL, json_object('finding_id', NEW.finding_id, 'from_audit_id', NEW.from_audit_id, 'reference', NEW.reference, 'origin', NEW.origin, 'grade', NEW.grade, 'clause_id', NEW.clause_id, 'original_clause_id', NEW.original_clause_id, 'title', NEW.title, 'statement', NEW.statement, 'outcome', NEW.outcome, 'evidence', NEW.evidence, 'raised_finding_id', NEW.raised_finding_id));
END;
CREATE TRIGGER carried_findings_history_update AFTER UPDATE ON carried_findings
BEGIN
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'carried', NEW.id, NEW.reference, 'finding_id', OLD.finding_id, NEW.finding_id WHERE OLD.finding_id IS NOT NEW.finding_id;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'carried', NEW.id, NEW.reference, 'from_audit_id', OLD.from_audit_id, NEW.from_audit_id WHERE OLD.from_audit_id IS NOT NEW.from_audit_id;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'carried', NEW.id, NEW.reference, 'reference', OLD.reference, NEW.reference WHERE OLD.reference IS NOT NEW.reference;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'carried', NEW.id, NEW.reference, 'origin', OLD.origin, NEW.origin WHERE OLD.origin IS NOT NEW.origin;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'carried', NEW.id, NEW.reference, 'grade', OLD.grade, NEW.grade WHERE OLD.grade IS NOT NEW.grade;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'carried', NEW.id, NEW.reference, 'clause_id', OLD.clause_id, NEW.clause_id WHERE OLD.clause_id IS NOT NEW.clause_id;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'carried', NEW.id, NEW.reference, 'original_clause_id', OLD.original_clause_id, NEW.original_clause_id WHERE OLD.original_clause_id IS NOT NEW.original_clause_id;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'carried', NEW.id, NEW.reference, 'title', OLD.title, NEW.title WHERE OLD.title IS NOT NEW.title;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'carried', NEW.id, NEW.reference, 'statement', OLD.statement, NEW.statement WHERE OLD.statement IS NOT NEW.statement;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'carried', NEW.id, NEW.reference, 'outcome', OLD.outcome, NEW.outcome WHERE OLD.outcome IS NOT NEW.outcome;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'carried', NEW.id, NEW.reference, 'evidence', OLD.evidence, NEW.evidence WHERE OLD.evidence IS NOT NEW.evidence;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'carried', NEW.id, NEW.reference, 'raised_finding_id', OLD.raised_finding_id, NEW.raised_finding_id WHERE OLD.raised_finding_id IS NOT NEW.raised_finding_id;
END;
CREATE TRIGGER carried_findings_history_delete AFTER DELETE ON carried_findings
BEGIN
    INSERT INTO history_append VALUES (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), OLD.audit_id, 'carried', OLD.id, OLD.reference, 'deleted', json_object('finding_id', OLD.finding_id, 'from_audit_id', OLD.from_audit_id, 'reference', OLD.reference, 'origin', OLD.origin, 'grade', OLD.grade, 'clause_id', OLD.clause_id, 'original_clause_id', OLD.original_clause_id, 'title', OLD.title, 'statement', OLD.statement, 'outcome', OLD.outcome, 'evidence', OLD.evidence, 'raised_finding_id', OLD.raised_finding_id), NULL);
END;
CREATE TRIGGER carried_findings_reported_insert BEFORE INSERT ON carried_findings
WHEN (SELECT status FROM audits WHERE id = NEW.audit_id) = 'reported'
BEGIN SELECT RAISE(ABORT, 'the audit is reported, so its findings and records are read-only; reopen it (with a reason) to change them'); END;
CREATE TRIGGER carried_findings_reported_update BEFORE UPDATE ON carried_findings
WHEN (SELECT status FROM audits WHERE id = NEW.audit_id) = 'reported'
BEGIN SELECT RAISE(ABORT, 'the audit is reported, so its findings and records are read-only; reopen it (with a reason) to change them'); END;
CREATE TRIGGER carried_findings_reported_delete BEFORE DELETE ON carried_findings
WHEN (SELECT status FROM audits WHERE id = OLD.audit_id) = 'reported'
BEGIN SELECT RAISE(ABORT, 'the audit is reported, so its findings and records are read-only; reopen it (with a reason) to change them'); END;
