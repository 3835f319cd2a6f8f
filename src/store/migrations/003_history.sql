-- auditbench schema, version 3: the audit trail.
-- Every change to an audit, finding, clause review, document review, interview
-- or sample is appended to `history` by the triggers below: one row per changed
-- field (old and new value), one row with the whole record as JSON when a row
-- is created or deleted. Rows are never updated or deleted. Each row carries
-- the hash of the row before it and its own hash over its contents
-- (ab_chain, registered by auditbench on every connection; see
-- store::history), so `auditbench verify` finds any row edited, inserted or
-- removed outside auditbench. Generated from one table of columns; keep the
-- triggers in step with the tables they watch.

CREATE TABLE history (
    seq       INTEGER PRIMARY KEY,   -- 1, 2, 3... without gaps
    at        TEXT NOT NULL,         -- UTC RFC 3339
    actor     TEXT NOT NULL,         -- who: --auditor, else the audit's lead auditor
    audit_id  TEXT NOT NULL,
    entity    TEXT NOT NULL,         -- audit, finding, clause_review, document_review, interview, sample
    row_key   TEXT NOT NULL,         -- the row's id (clause_id/stage for clause reviews, doc_key for documents)
    label     TEXT NOT NULL,         -- what a person calls it: NC-003, 8.5.1 stage 2...
    field     TEXT NOT NULL,         -- a column, or created / deleted / reopen_reason
    old       TEXT,
    new       TEXT,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
) STRICT;

CREATE INDEX history_by_row ON history (entity, row_key, seq);
CREATE INDEX history_by_audit ON history (audit_id, seq);

CREATE TRIGGER history_is_append_only_update BEFORE UPDATE ON history
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: history rows cannot be changed'); END;
CREATE TRIGGER history_is_append_only_delete BEFORE DELETE ON history
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: history rows cannot be deleted'); END;

-- Appending goes through this view so that the sequence number, the actor and
-- the chain are computed in one place.
CREATE VIEW history_append AS
    SELECT at, audit_id, entity, row_key, label, field, old, new FROM history WHERE 0;

CREATE TRIGGER history_append_row INSTEAD OF INSERT ON history_append
BEGIN
    INSERT INTO history (seq, at, actor, audit_id, entity, row_key, label, field, old, new, prev_hash, hash)
    SELECT n.seq, NEW.at, n.actor, NEW.audit_id, NEW.entity, NEW.row_key, NEW.label, NEW.field,
           CAST(NEW.old AS TEXT), CAST(NEW.new AS TEXT), n.prev,
           ab_chain(n.prev, n.seq, NEW.at, n.actor, NEW.audit_id, NEW.entity, NEW.row_key,
                    NEW.label, NEW.field, CAST(NEW.old AS TEXT), CAST(NEW.new AS TEXT))
    FROM (SELECT coalesce(last.seq, 0) + 1 AS seq, coalesce(last.hash, '') AS prev,
                 coalesce(nullif(ab_actor(), ''),
                          nullif((SELECT lead_auditor FROM audits WHERE id = NEW.audit_id), ''),
                          'unknown') AS actor
          FROM (SELECT 1) LEFT JOIN (SELECT seq, hash FROM history ORDER BY seq DESC LIMIT 1) AS last) AS n;
END;

-- findings
CREATE TRIGGER findings_history_insert AFTER INSERT ON findings
BEGIN
    INSERT INTO history_append VALUES (NEW.updated_at, NEW.audit_id, 'finding', NEW.id, NEW.reference, 'created', NULL, json_object('reference', NEW.reference, 'clause_id', NEW.clause_id, 'stage', NEW.stage, 'grade', NEW.grade, 'title', NEW.title, 'requirement', NEW.requirement, 'statement', NEW.statement, 'evidence', NEW.evidence, 'status', NEW.status, 'root_cause', NEW.root_cause, 'correction', NEW.correction, 'corrective_action', NEW.corrective_action, 'due_date', NEW.due_date, 'raised_by', NEW.raised_by));
END;
CREATE TRIGGER findings_history_delete AFTER DELETE ON findings
BEGIN
    INSERT INTO history_append VALUES (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), OLD.audit_id, 'finding', OLD.id, OLD.reference, 'deleted', json_object('reference', OLD.reference, 'clause_id', OLD.clause_id, 'stage', OLD.stage, 'grade', OLD.grade, 'title', OLD.title, 'requirement', OLD.requirement, 'statement', OLD.statement, 'evidence', OLD.evidence, 'status', OLD.status, 'root_cause', OLD.root_cause, 'correction', OLD.correction, 'corrective_action', OLD.corrective_action, 'due_date', OLD.due_date, 'raised_by', OLD.raised_by), NULL);
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

-- clause_reviews
CREATE TRIGGER clause_reviews_history_insert AFTER INSERT ON clause_reviews
BEGIN
    INSERT INTO history_append VALUES (NEW.updated_at, NEW.audit_id, 'clause_review', NEW.clause_id || '/' || NEW.stage, NEW.clause_id || ' stage ' || NEW.stage, 'created', NULL, json_object('status', NEW.status, 'result', NEW.result, 'notes', NEW.notes, 'questions_covered', NEW.questions_covered));
END;
CREATE TRIGGER clause_reviews_history_delete AFTER DELETE ON clause_reviews
BEGIN
    INSERT INTO history_append VALUES (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), OLD.audit_id, 'clause_review', OLD.clause_id || '/' || OLD.stage, OLD.clause_id || ' stage ' || OLD.stage, 'deleted', json_object('status', OLD.status, 'result', OLD.result, 'notes', OLD.notes, 'questions_covered', OLD.questions_covered), NULL);
END;
CREATE TRIGGER clause_reviews_history_update AFTER UPDATE ON clause_reviews
BEGIN
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'clause_review', NEW.clause_id || '/' || NEW.stage, NEW.clause_id || ' stage ' || NEW.stage, 'status', OLD.status, NEW.status WHERE OLD.status IS NOT NEW.status;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'clause_review', NEW.clause_id || '/' || NEW.stage, NEW.clause_id || ' stage ' || NEW.stage, 'result', OLD.result, NEW.result WHERE OLD.result IS NOT NEW.result;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'clause_review', NEW.clause_id || '/' || NEW.stage, NEW.clause_id || ' stage ' || NEW.stage, 'notes', OLD.notes, NEW.notes WHERE OLD.notes IS NOT NEW.notes;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'clause_review', NEW.clause_id || '/' || NEW.stage, NEW.clause_id || ' stage ' || NEW.stage, 'questions_covered', OLD.questions_covered, NEW.questions_covered WHERE OLD.questions_covered IS NOT NEW.questions_covered;
END;
CREATE TRIGGER clause_reviews_reported_insert BEFORE INSERT ON clause_reviews
WHEN (SELECT status FROM audits WHERE id = NEW.audit_id) = 'reported'
BEGIN SELECT RAISE(ABORT, 'the audit is reported, so its findings and records are read-only; reopen it (with a reason) to change them'); END;
CREATE TRIGGER clause_reviews_reported_update BEFORE UPDATE ON clause_reviews
WHEN (SELECT status FROM audits WHERE id = NEW.audit_id) = 'reported'
BEGIN SELECT RAISE(ABORT, 'the audit is reported, so its findings and records are read-only; reopen it (with a reason) to change them'); END;
CREATE TRIGGER clause_reviews_reported_delete BEFORE DELETE ON clause_reviews
WHEN (SELECT status FROM audits WHERE id = OLD.audit_id) = 'reported'
BEGIN SELECT RAISE(ABORT, 'the audit is reported, so its findings and records are read-only; reopen it (with a reason) to change them'); END;

-- document_reviews
CREATE TRIGGER document_reviews_history_insert AFTER INSERT ON document_reviews
BEGIN
    INSERT INTO history_append VALUES (NEW.updated_at, NEW.audit_id, 'document_review', NEW.doc_key, NEW.doc_key, 'created', NULL, json_object('clause_id', NEW.clause_id, 'status', NEW.status, 'reference', NEW.reference, 'version', NEW.version, 'notes', NEW.notes));
END;
CREATE TRIGGER document_reviews_history_delete AFTER DELETE ON document_reviews
BEGIN
    INSERT INTO history_append VALUES (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), OLD.audit_id, 'document_review', OLD.doc_key, OLD.doc_key, 'deleted', json_object('clause_id', OLD.clause_id, 'status', OLD.status, 'reference', OLD.reference, 'version', OLD.version, 'notes', OLD.notes), NULL);
END;
CREATE TRIGGER document_reviews_history_update AFTER UPDATE ON document_reviews
BEGIN
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'document_review', NEW.doc_key, NEW.doc_key, 'clause_id', OLD.clause_id, NEW.clause_id WHERE OLD.clause_id IS NOT NEW.clause_id;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'document_review', NEW.doc_key, NEW.doc_key, 'status', OLD.status, NEW.status WHERE OLD.status IS NOT NEW.status;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'document_review', NEW.doc_key, NEW.doc_key, 'reference', OLD.reference, NEW.reference WHERE OLD.reference IS NOT NEW.reference;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'document_review', NEW.doc_key, NEW.doc_key, 'version', OLD.version, NEW.version WHERE OLD.version IS NOT NEW.version;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'document_review', NEW.doc_key, NEW.doc_key, 'notes', OLD.notes, NEW.notes WHERE OLD.notes IS NOT NEW.notes;
END;
CREATE TRIGGER document_reviews_reported_insert BEFORE INSERT ON document_reviews
WHEN (SELECT status FROM audits WHERE id = NEW.audit_id) = 'reported'
BEGIN SELECT RAISE(ABORT, 'the audit is reported, so its findings and records are read-only; reopen it (with a reason) to change them'); END;
CREATE TRIGGER document_reviews_reported_update BEFORE UPDATE ON document_reviews
WHEN (SELECT status FROM audits WHERE id = NEW.audit_id) = 'reported'
BEGIN SELECT RAISE(ABORT, 'the audit is reported, so its findings and records are read-only; reopen it (with a reason) to change them'); END;
CREATE TRIGGER document_reviews_reported_delete BEFORE DELETE ON document_reviews
WHEN (SELECT status FROM audits WHERE id = OLD.audit_id) = 'reported'
BEGIN SELECT RAISE(ABORT, 'the audit is reported, so its findings and records are read-only; reopen it (with a reason) to change them'); END;

-- interviews
CREATE TRIGGER interviews_history_insert AFTER INSERT ON interviews
BEGIN
    INSERT INTO history_append VALUES (NEW.updated_at, NEW.audit_id, 'interview', NEW.id, NEW.interviewee, 'created', NULL, json_object('interviewee', NEW.interviewee, 'role', NEW.role, 'held_at', NEW.held_at, 'clauses', NEW.clauses, 'notes', NEW.notes));
END;
CREATE TRIGGER interviews_history_delete AFTER DELETE ON interviews
BEGIN
    INSERT INTO history_append VALUES (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), OLD.audit_id, 'interview', OLD.id, OLD.interviewee, 'deleted', json_object('interviewee', OLD.interviewee, 'role', OLD.role, 'held_at', OLD.held_at, 'clauses', OLD.clauses, 'notes', OLD.notes), NULL);
END;
CREATE TRIGGER interviews_history_update AFTER UPDATE ON interviews
BEGIN
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'interview', NEW.id, NEW.interviewee, 'interviewee', OLD.interviewee, NEW.interviewee WHERE OLD.interviewee IS NOT NEW.interviewee;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'interview', NEW.id, NEW.interviewee, 'role', OLD.role, NEW.role WHERE OLD.role IS NOT NEW.role;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'interview', NEW.id, NEW.interviewee, 'held_at', OLD.held_at, NEW.held_at WHERE OLD.held_at IS NOT NEW.held_at;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'interview', NEW.id, NEW.interviewee, 'clauses', OLD.clauses, NEW.clauses WHERE OLD.clauses IS NOT NEW.clauses;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'interview', NEW.id, NEW.interviewee, 'notes', OLD.notes, NEW.notes WHERE OLD.notes IS NOT NEW.notes;
END;
CREATE TRIGGER interviews_reported_insert BEFORE INSERT ON interviews
WHEN (SELECT status FROM audits WHERE id = NEW.audit_id) = 'reported'
BEGIN SELECT RAISE(ABORT, 'the audit is reported, so its findings and records are read-only; reopen it (with a reason) to change them'); END;
CREATE TRIGGER interviews_reported_update BEFORE UPDATE ON interviews
WHEN (SELECT status FROM audits WHERE id = NEW.audit_id) = 'reported'
BEGIN SELECT RAISE(ABORT, 'the audit is reported, so its findings and records are read-only; reopen it (with a reason) to change them'); END;
CREATE TRIGGER interviews_reported_delete BEFORE DELETE ON interviews
WHEN (SELECT status FROM audits WHERE id = OLD.audit_id) = 'reported'
BEGIN SELECT RAISE(ABORT, 'the audit is reported, so its findings and records are read-only; reopen it (with a reason) to change them'); END;

-- samples
CREATE TRIGGER samples_history_insert AFTER INSERT ON samples
BEGIN
    INSERT INTO history_append VALUES (NEW.updated_at, NEW.audit_id, 'sample', NEW.id, NEW.clause_id || ' ' || NEW.population, 'created', NULL, json_object('clause_id', NEW.clause_id, 'population', NEW.population, 'method', NEW.method, 'size', NEW.size, 'items', NEW.items, 'result', NEW.result));
END;
CREATE TRIGGER samples_history_delete AFTER DELETE ON samples
BEGIN
    INSERT INTO history_append VALUES (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), OLD.audit_id, 'sample', OLD.id, OLD.clause_id || ' ' || OLD.population, 'deleted', json_object('clause_id', OLD.clause_id, 'population', OLD.population, 'method', OLD.method, 'size', OLD.size, 'items', OLD.items, 'result', OLD.result), NULL);
END;
CREATE TRIGGER samples_history_update AFTER UPDATE ON samples
BEGIN
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'sample', NEW.id, NEW.clause_id || ' ' || NEW.population, 'clause_id', OLD.clause_id, NEW.clause_id WHERE OLD.clause_id IS NOT NEW.clause_id;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'sample', NEW.id, NEW.clause_id || ' ' || NEW.population, 'population', OLD.population, NEW.population WHERE OLD.population IS NOT NEW.population;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'sample', NEW.id, NEW.clause_id || ' ' || NEW.population, 'method', OLD.method, NEW.method WHERE OLD.method IS NOT NEW.method;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'sample', NEW.id, NEW.clause_id || ' ' || NEW.population, 'size', OLD.size, NEW.size WHERE OLD.size IS NOT NEW.size;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'sample', NEW.id, NEW.clause_id || ' ' || NEW.population, 'items', OLD.items, NEW.items WHERE OLD.items IS NOT NEW.items;
    INSERT INTO history_append SELECT NEW.updated_at, NEW.audit_id, 'sample', NEW.id, NEW.clause_id || ' ' || NEW.population, 'result', OLD.result, NEW.result WHERE OLD.result IS NOT NEW.result;
END;
CREATE TRIGGER samples_reported_insert BEFORE INSERT ON samples
WHEN (SELECT status FROM audits WHERE id = NEW.audit_id) = 'reported'
BEGIN SELECT RAISE(ABORT, 'the audit is reported, so its findings and records are read-only; reopen it (with a reason) to change them'); END;
CREATE TRIGGER samples_reported_update BEFORE UPDATE ON samples
WHEN (SELECT status FROM audits WHERE id = NEW.audit_id) = 'reported'
BEGIN SELECT RAISE(ABORT, 'the audit is reported, so its findings and records are read-only; reopen it (with a reason) to change them'); END;
CREATE TRIGGER samples_reported_delete BEFORE DELETE ON samples
WHEN (SELECT status FROM audits WHERE id = OLD.audit_id) = 'reported'
BEGIN SELECT RAISE(ABORT, 'the audit is reported, so its findings and records are read-only; reopen it (with a reason) to change them'); END;

-- audits
CREATE TRIGGER audits_history_insert AFTER INSERT ON audits
BEGIN
    INSERT INTO history_append VALUES (NEW.updated_at, NEW.id, 'audit', NEW.id, NEW.organisation, 'created', NULL, json_object('organisation', NEW.organisation, 'scope', NEW.scope, 'catalogue_id', NEW.catalogue_id, 'edition', NEW.edition, 'audit_type', NEW.audit_type, 'certification_body', NEW.certification_body, 'lead_auditor', NEW.lead_auditor, 'team', NEW.team, 'start_date', NEW.start_date, 'end_date', NEW.end_date, 'status', NEW.status));
END;
CREATE TRIGGER audits_history_delete AFTER DELETE ON audits
BEGIN
    INSERT INTO history_append VALUES (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), OLD.id, 'audit', OLD.id, OLD.organisation, 'deleted', json_object('organisation', OLD.organisation, 'scope', OLD.scope, 'catalogue_id', OLD.catalogue_id, 'edition', OLD.edition, 'audit_type', OLD.audit_type, 'certification_body', OLD.certification_body, 'lead_auditor', OLD.lead_auditor, 'team', OLD.team, 'start_date', OLD.start_date, 'end_date', OLD.end_date, 'status', OLD.status), NULL);
END;
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
END;
CREATE TRIGGER audits_reported_delete BEFORE DELETE ON audits WHEN OLD.status = 'reported'
BEGIN SELECT RAISE(ABORT, 'the audit is reported, so it cannot be deleted; reopen it (with a reason) first'); END;
