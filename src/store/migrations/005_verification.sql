-- auditbench schema, version 5: the team's recommendation on the audit; a
-- finding's verification and its earlier
-- references. A nonconformity is closed only with its verification recorded
-- (when, by whom, how, evidence seen); a minor's action plan can be
-- accepted (not merely received); a finding regraded between a
-- nonconformity and another grade takes a reference of its new grade, keeps
-- the old ones in `formerly`, and a reference once given is never given
-- again (`retired_references`, also for deleted findings).
-- SQLite cannot change a CHECK constraint: the table is rebuilt, with its
-- indexes and the trail's triggers (extended to the new columns).

CREATE TABLE findings_v5 (
    id                TEXT PRIMARY KEY,
    audit_id          TEXT NOT NULL REFERENCES audits(id) ON DELETE CASCADE,
    reference         TEXT NOT NULL,
    ref_prefix        TEXT NOT NULL,
    ref_seq           INTEGER NOT NULL,
    clause_id         TEXT NOT NULL,
    -- natural-order key of clause_id (see catalogue::natural::sort_key)
    clause_key        TEXT NOT NULL,
    stage             INTEGER NOT NULL CHECK (stage IN (1, 2)),
    grade             TEXT NOT NULL
        CHECK (grade IN ('major','minor','observation','ofi','good_practice')),
    grade_rank        INTEGER GENERATED ALWAYS AS (
        CASE grade WHEN 'major' THEN 0 WHEN 'minor' THEN 1 WHEN 'observation' THEN 2
                   WHEN 'ofi' THEN 3 ELSE 4 END) VIRTUAL,
    title             TEXT NOT NULL,
    requirement       TEXT NOT NULL DEFAULT '',
    statement         TEXT NOT NULL DEFAULT '',
    evidence          TEXT NOT NULL DEFAULT '',
    status            TEXT NOT NULL DEFAULT 'open'
        CHECK (status IN ('open','response_received','plan_accepted','closed')),
    root_cause        TEXT NOT NULL DEFAULT '',
    correction        TEXT NOT NULL DEFAULT '',
    corrective_action TEXT NOT NULL DEFAULT '',
    due_date          TEXT NOT NULL DEFAULT '',
    raised_by         TEXT NOT NULL DEFAULT '',
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    verified_on           TEXT NOT NULL DEFAULT '',
    verified_by           TEXT NOT NULL DEFAULT '',
    verification_method   TEXT NOT NULL DEFAULT '',
    verification_evidence TEXT NOT NULL DEFAULT '',
    -- earlier references of this finding, oldest first: "NC-002, OBS-004"
    formerly              TEXT NOT NULL DEFAULT '',
    -- the stage 1 document it was raised on (document_reviews.doc_key), or ''
    doc_key               TEXT NOT NULL DEFAULT '',
    UNIQUE (audit_id, reference)
) STRICT;

INSERT INTO findings_v5 (id, audit_id, reference, ref_prefix, ref_seq, clause_id, clause_key, stage,
        grade, title, requirement, statement, evidence, status, root_cause, correction,
        corrective_action, due_date, raised_by, created_at, updated_at)
    SELECT id, audit_id, reference, ref_prefix, ref_seq, clause_id, clause_key, stage,
        grade, title, requirement, statement, evidence, status, root_cause, correction,
        corrective_action, due_date, raised_by, created_at, updated_at
    FROM findings;

DROP TABLE findings;
ALTER TABLE findings_v5 RENAME TO findings;

CREATE INDEX findings_by_prefix ON findings (audit_id, ref_prefix, ref_seq);
CREATE INDEX findings_by_document ON findings (audit_id, doc_key) WHERE doc_key != '';
CREATE INDEX findings_report_order
    ON findings (audit_id, grade_rank, clause_key, ref_prefix, ref_seq, status, clause_id);
CREATE INDEX findings_by_clause
    ON findings (audit_id, clause_key, clause_id, grade_rank, status);
CREATE INDEX findings_nc_tally ON findings (audit_id, grade_rank, status);
CREATE INDEX findings_due_order ON findings
    (audit_id, due_date = '', due_date, grade_rank, clause_key, ref_prefix, ref_seq);
CREATE INDEX findings_status_order ON findings
    (audit_id, CASE status WHEN 'open' THEN 0 WHEN 'response_received' THEN 1
                           WHEN 'plan_accepted' THEN 2 ELSE 3 END,
     grade_rank, clause_key, ref_prefix, ref_seq);

-- References given once and no longer carried by a finding (regraded or
-- deleted): never given again.
CREATE TABLE retired_references (
    audit_id  TEXT NOT NULL REFERENCES audits(id) ON DELETE CASCADE,
    reference TEXT NOT NULL,
    prefix    TEXT NOT NULL,
    seq       INTEGER NOT NULL,
    PRIMARY KEY (audit_id, reference)
) STRICT;
-- Today's findings' references that an earlier deletion freed are not
-- known; from now on every reference retired is kept.

CREATE TRIGGER findings_history_insert AFTER INSERT ON findings
BEGIN
    INSERT INTO history_append VALUES (NEW.updated_at, NEW.audit_id, 'finding', NEW.id, NEW.reference, 'created', NULL, json_object('reference', NEW.reference, 'clause_id', NEW.clause_id, 'stage', NEW.stage, 'grade', NEW.grade, 'title', NEW.title, 'requirement', NEW.requirement, 'statement', NEW.statement, 'evidence', NEW.evidence, 'status', NEW.status, 'root_cause', NEW.root_cause, 'correction', NEW.correction, 'corrective_action', NEW.corrective_action, 'due_date', NEW.due_date, 'raised_by', NEW.raised_by, 'verified_on', NEW.verified_on, 'verified_by', NEW.verified_by, 'verification_method', NEW.verification_method, 'verification_evidence', NEW.verification_evidence, 'formerly', NEW.formerly, 'doc_key', NEW.doc_key));
END;
CREATE TRIGGER findings_history_delete AFTER DELETE ON findings
BEGIN
    INSERT INTO history_append VALUES (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), OLD.audit_id, 'finding', OLD.id, OLD.reference, 'deleted', json_object('reference', OLD.reference, 'clause_id', OLD.clause_id, 'stage', OLD.stage, 'grade', OLD.grade, 'title', OLD.title, 'requirement', OLD.requirement, 'statement', OLD.statement, 'evidence', OLD.evidence, 'status', OLD.status, 'root_cause', OLD.root_cause, 'correction', OLD.correction, 'corrective_action', OLD.corrective_action, 'due_date', OLD.due_date, 'raised_by', OLD.raised_by, 'verified_on', OLD.verified_on, 'verified_by', OLD.verified_by, 'verification_method', OLD.verification_method, 'verification_evidence', OLD.verification_evidence, 'formerly', OLD.formerly, 'doc_key', OLD.doc_key), NULL);
END;
CREATE TRIGGER findings_history_update AFTER UPDATE ON findings
BEGIN
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'finding', NEW.id, NEW.reference, 'reference', OLD.reference, NEW.reference WHERE OLD.reference IS NOT NEW.reference;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'finding', NEW.id, NEW.reference, 'clause_id', OLD.clause_id, NEW.clause_id WHERE OLD.clause_id IS NOT NEW.clause_id;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'finding', NEW.id, NEW.reference, 'stage', OLD.stage, NEW.stage WHERE OLD.stage IS NOT NEW.stage;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'finding', NEW.id, NEW.reference, 'grade', OLD.grade, NEW.grade WHERE OLD.grade IS NOT NEW.grade;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'finding', NEW.id, NEW.reference, 'title', OLD.title, NEW.title WHERE OLD.title IS NOT NEW.title;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'finding', NEW.id, NEW.reference, 'requirement', OLD.requirement, NEW.requirement WHERE OLD.requirement IS NOT NEW.requirement;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'finding', NEW.id, NEW.reference, 'statement', OLD.statement, NEW.statement WHERE OLD.statement IS NOT NEW.statement;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'finding', NEW.id, NEW.reference, 'evidence', OLD.evidence, NEW.evidence WHERE OLD.evidence IS NOT NEW.evidence;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'finding', NEW.id, NEW.reference, 'status', OLD.status, NEW.status WHERE OLD.status IS NOT NEW.status;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'finding', NEW.id, NEW.reference, 'root_cause', OLD.root_cause, NEW.root_cause WHERE OLD.root_cause IS NOT NEW.root_cause;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'finding', NEW.id, NEW.reference, 'correction', OLD.correction, NEW.correction WHERE OLD.correction IS NOT NEW.correction;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'finding', NEW.id, NEW.reference, 'corrective_action', OLD.corrective_action, NEW.corrective_action WHERE OLD.corrective_action IS NOT NEW.corrective_action;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'finding', NEW.id, NEW.reference, 'due_date', OLD.due_date, NEW.due_date WHERE OLD.due_date IS NOT NEW.due_date;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'finding', NEW.id, NEW.reference, 'raised_by', OLD.raised_by, NEW.raised_by WHERE OLD.raised_by IS NOT NEW.raised_by;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'finding', NEW.id, NEW.reference, 'verified_on', OLD.verified_on, NEW.verified_on WHERE OLD.verified_on IS NOT NEW.verified_on;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'finding', NEW.id, NEW.reference, 'verified_by', OLD.verified_by, NEW.verified_by WHERE OLD.verified_by IS NOT NEW.verified_by;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'finding', NEW.id, NEW.reference, 'verification_method', OLD.verification_method, NEW.verification_method WHERE OLD.verification_method IS NOT NEW.verification_method;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'finding', NEW.id, NEW.reference, 'verification_evidence', OLD.verification_evidence, NEW.verification_evidence WHERE OLD.verification_evidence IS NOT NEW.verification_evidence;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'finding', NEW.id, NEW.reference, 'formerly', OLD.formerly, NEW.formerly WHERE OLD.formerly IS NOT NEW.formerly;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'finding', NEW.id, NEW.reference, 'doc_key', OLD.doc_key, NEW.doc_key WHERE OLD.doc_key IS NOT NEW.doc_key;
END;
CREATE TRIGGER findings_reported_insert BEFORE INSERT ON findings
WHEN (SELECT status FROM audits WHERE id = NEW.audit_id) = 'reported'
BEGIN SELECT RAISE(ABORT, 'the audit is reported, so its findings and records are read-only; reopen it (with a reason) to change them'); END;
CREATE TRIGGER findings_reported_update BEFORE UPDATE ON findings
WHEN (SELECT status FROM audits WHERE id = NEW.audit_id) = 'reported'
BEGIN SELECT RAISE(ABORT, 'the audit is reported, so its findings and records are read-only; reopen it (with a reason) to change them'); END;
CREATE TRIGGER findings_reported_delete BEFORE DELETE ON findings
WHEN (SELECT status FROM audits WHERE id = OLD.audit_id) = 'reported'
BEGIN SELECT RAISE(ABORT, 'the audit is reported, so its findings and records are read-only; reopen it (with a reason) to change them'); END;
CREATE TRIGGER retired_references_reported BEFORE INSERT ON retired_references
WHEN (SELECT status FROM audits WHERE id = NEW.audit_id) = 'reported'
BEGIN SELECT RAISE(ABORT, 'the audit is reported, so its findings and records are read-only; reopen it (with a reason) to change them'); END;

-- The lead auditor's recommendation (a code of domain::Decision, '' while
-- none is recorded) and its justification.
ALTER TABLE audits ADD COLUMN recommendation TEXT NOT NULL DEFAULT '';
ALTER TABLE audits ADD COLUMN recommendation_note TEXT NOT NULL DEFAULT '';
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
END;

-- An audit moves from planned to in progress with its first recorded result.
CREATE TRIGGER audits_start_on_finding AFTER INSERT ON findings
WHEN (SELECT status FROM audits WHERE id = NEW.audit_id) = 'planned'
BEGIN UPDATE audits SET status = 'in_progress', updated_at = NEW.updated_at WHERE id = NEW.audit_id; END;
CREATE TRIGGER audits_start_on_clause_review AFTER INSERT ON clause_reviews
WHEN (SELECT status FROM audits WHERE id = NEW.audit_id) = 'planned'
BEGIN UPDATE audits SET status = 'in_progress', updated_at = NEW.updated_at WHERE id = NEW.audit_id; END;
CREATE TRIGGER audits_start_on_document_review AFTER INSERT ON document_reviews
WHEN (SELECT status FROM audits WHERE id = NEW.audit_id) = 'planned'
BEGIN UPDATE audits SET status = 'in_progress', updated_at = NEW.updated_at WHERE id = NEW.audit_id; END;
CREATE TRIGGER audits_start_on_interview AFTER INSERT ON interviews
WHEN (SELECT status FROM audits WHERE id = NEW.audit_id) = 'planned'
BEGIN UPDATE audits SET status = 'in_progress', updated_at = NEW.updated_at WHERE id = NEW.audit_id; END;
CREATE TRIGGER audits_start_on_sample AFTER INSERT ON samples
WHEN (SELECT status FROM audits WHERE id = NEW.audit_id) = 'planned'
BEGIN UPDATE audits SET status = 'in_progress', updated_at = NEW.updated_at WHERE id = NEW.audit_id; END;

-- Who of the audit team held an interview.
ALTER TABLE interviews ADD COLUMN interviewer TEXT NOT NULL DEFAULT '';
DROP TRIGGER interviews_history_insert;
DROP TRIGGER interviews_history_delete;
DROP TRIGGER interviews_history_update;
CREATE TRIGGER interviews_history_insert AFTER INSERT ON interviews
BEGIN
    INSERT INTO history_append VALUES (NEW.updated_at, NEW.audit_id, 'interview', NEW.id, NEW.interviewee, 'created', NULL, json_object('interviewee', NEW.interviewee, 'role', NEW.role, 'held_at', NEW.held_at, 'clauses', NEW.clauses, 'notes', NEW.notes, 'interviewer', NEW.interviewer));
END;
CREATE TRIGGER interviews_history_delete AFTER DELETE ON interviews
BEGIN
    INSERT INTO history_append VALUES (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), OLD.audit_id, 'interview', OLD.id, OLD.interviewee, 'deleted', json_object('interviewee', OLD.interviewee, 'role', OLD.role, 'held_at', OLD.held_at, 'clauses', OLD.clauses, 'notes', OLD.notes, 'interviewer', OLD.interviewer), NULL);
END;
CREATE TRIGGER interviews_history_update AFTER UPDATE ON interviews
BEGIN
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'interview', NEW.id, NEW.interviewee, 'interviewee', OLD.interviewee, NEW.interviewee WHERE OLD.interviewee IS NOT NEW.interviewee;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'interview', NEW.id, NEW.interviewee, 'role', OLD.role, NEW.role WHERE OLD.role IS NOT NEW.role;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'interview', NEW.id, NEW.interviewee, 'held_at', OLD.held_at, NEW.held_at WHERE OLD.held_at IS NOT NEW.held_at;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'interview', NEW.id, NEW.interviewee, 'clauses', OLD.clauses, NEW.clauses WHERE OLD.clauses IS NOT NEW.clauses;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'interview', NEW.id, NEW.interviewee, 'notes', OLD.notes, NEW.notes WHERE OLD.notes IS NOT NEW.notes;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'interview', NEW.id, NEW.interviewee, 'interviewer', OLD.interviewer, NEW.interviewer WHERE OLD.interviewer IS NOT NEW.interviewer;
END;
