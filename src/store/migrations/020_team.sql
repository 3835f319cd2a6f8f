-- auditbench schema, version 20: the audit team (issue 16). Several
-- auditors' laptops each change one audit offline and merge their files.
-- The merge model is one Automerge document per shared record (a finding,
-- a sample, a clause review, ...), kept here as saved bytes. SQLite rows stay
-- what the workbench reads; the documents are brought up to date from the
-- audit trail (written in the same transaction as every row) before a team
-- file is written or merged, so a write costs nothing more and the
-- workbench never loads a document.

-- One row per audit shared in a team, on this laptop.
CREATE TABLE team (
    audit_id    TEXT PRIMARY KEY REFERENCES audits(id) ON DELETE CASCADE,
    actor       BLOB NOT NULL,            -- this laptop's Automerge actor id for the audit
    role        TEXT NOT NULL CHECK (role IN ('lead', 'member')),
    ref_tag     TEXT NOT NULL DEFAULT '', -- a member's provisional references: NC-SO7F-001
    synced_seq  INTEGER NOT NULL,         -- trail rows up to this one are in the documents
    created_at  TEXT NOT NULL
) STRICT;

-- The documents: entity and key as the audit trail names the record.
CREATE TABLE team_docs (
    audit_id   TEXT NOT NULL REFERENCES audits(id) ON DELETE CASCADE,
    entity     TEXT NOT NULL,
    row_key    TEXT NOT NULL,
    heads      TEXT NOT NULL,             -- the document's heads, sorted, hex: equal heads, equal documents
    conflicts  INTEGER NOT NULL DEFAULT 0,-- fields written differently on two laptops, not settled
    doc        BLOB NOT NULL,
    PRIMARY KEY (audit_id, entity, row_key)
) STRICT;
CREATE INDEX team_docs_conflicted ON team_docs (audit_id) WHERE conflicts > 0;

-- Each merge: from whom, when, what came in.
CREATE TABLE team_merges (
    id          INTEGER PRIMARY KEY,
    audit_id    TEXT NOT NULL REFERENCES audits(id) ON DELETE CASCADE,
    at          TEXT NOT NULL,
    from_name   TEXT NOT NULL,
    from_actor  TEXT NOT NULL,
    file        TEXT NOT NULL,
    new_records INTEGER NOT NULL,
    changed     INTEGER NOT NULL,
    changes     INTEGER NOT NULL,
    conflicts   INTEGER NOT NULL,
    renumbered  TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX team_merges_by_audit ON team_merges (audit_id, id);

-- A shared record's state as the team started from it, kept the first time
-- it changes (in the same transaction): its document is then made from it,
-- on every laptop alike (same values, same base actor, same time), so that a
-- record nobody changes costs no document at all, and a record changed on
-- two laptops meets its edits on a common base.
CREATE TABLE team_base (
    audit_id TEXT NOT NULL,
    entity   TEXT NOT NULL,
    row_key  TEXT NOT NULL,
    fields   TEXT NOT NULL,               -- the row before the change, JSON
    PRIMARY KEY (audit_id, entity, row_key)
) STRICT;

-- Generated from the tables' columns (keep in step with them, as the trail's
-- triggers).
CREATE TRIGGER audits_team_base_update AFTER UPDATE ON audits
WHEN EXISTS (SELECT 1 FROM team WHERE audit_id = OLD.id)
BEGIN
    INSERT OR IGNORE INTO team_base (audit_id, entity, row_key, fields)
    SELECT OLD.id, 'audit', OLD.id, json_object('id', OLD.id, 'organisation', OLD.organisation, 'scope', OLD.scope, 'catalogue_id', OLD.catalogue_id, 'edition', OLD.edition, 'audit_type', OLD.audit_type, 'certification_body', OLD.certification_body, 'lead_auditor', OLD.lead_auditor, 'team', OLD.team, 'start_date', OLD.start_date, 'end_date', OLD.end_date, 'status', OLD.status, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at, 'recommendation', OLD.recommendation, 'recommendation_note', OLD.recommendation_note, 'client_id', OLD.client_id, 'follows', OLD.follows)
    WHERE NOT EXISTS (SELECT 1 FROM team_docs WHERE audit_id = OLD.id AND entity = 'audit' AND row_key = OLD.id);
END;
CREATE TRIGGER audits_team_base_delete AFTER DELETE ON audits
WHEN EXISTS (SELECT 1 FROM team WHERE audit_id = OLD.id)
BEGIN
    INSERT OR IGNORE INTO team_base (audit_id, entity, row_key, fields)
    SELECT OLD.id, 'audit', OLD.id, json_object('id', OLD.id, 'organisation', OLD.organisation, 'scope', OLD.scope, 'catalogue_id', OLD.catalogue_id, 'edition', OLD.edition, 'audit_type', OLD.audit_type, 'certification_body', OLD.certification_body, 'lead_auditor', OLD.lead_auditor, 'team', OLD.team, 'start_date', OLD.start_date, 'end_date', OLD.end_date, 'status', OLD.status, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at, 'recommendation', OLD.recommendation, 'recommendation_note', OLD.recommendation_note, 'client_id', OLD.client_id, 'follows', OLD.follows)
    WHERE NOT EXISTS (SELECT 1 FROM team_docs WHERE audit_id = OLD.id AND entity = 'audit' AND row_key = OLD.id);
END;
CREATE TRIGGER audit_context_team_base_update AFTER UPDATE ON audit_context
WHEN EXISTS (SELECT 1 FROM team WHERE audit_id = OLD.audit_id)
BEGIN
    INSERT OR IGNORE INTO team_base (audit_id, entity, row_key, fields)
    SELECT OLD.audit_id, 'audit_context', OLD.item, json_object('audit_id', OLD.audit_id, 'item', OLD.item, 'value', OLD.value, 'updated_at', OLD.updated_at)
    WHERE NOT EXISTS (SELECT 1 FROM team_docs WHERE audit_id = OLD.audit_id AND entity = 'audit_context' AND row_key = OLD.item);
END;
CREATE TRIGGER audit_context_team_base_delete AFTER DELETE ON audit_context
WHEN EXISTS (SELECT 1 FROM team WHERE audit_id = OLD.audit_id)
BEGIN
    INSERT OR IGNORE INTO team_base (audit_id, entity, row_key, fields)
    SELECT OLD.audit_id, 'audit_context', OLD.item, json_object('audit_id', OLD.audit_id, 'item', OLD.item, 'value', OLD.value, 'updated_at', OLD.updated_at)
    WHERE NOT EXISTS (SELECT 1 FROM team_docs WHERE audit_id = OLD.audit_id AND entity = 'audit_context' AND row_key = OLD.item);
END;
CREATE TRIGGER findings_team_base_update AFTER UPDATE ON findings
WHEN EXISTS (SELECT 1 FROM team WHERE audit_id = OLD.audit_id)
BEGIN
    INSERT OR IGNORE INTO team_base (audit_id, entity, row_key, fields)
    SELECT OLD.audit_id, 'finding', OLD.id, json_object('id', OLD.id, 'audit_id', OLD.audit_id, 'reference', OLD.reference, 'ref_prefix', OLD.ref_prefix, 'ref_seq', OLD.ref_seq, 'clause_id', OLD.clause_id, 'clause_key', OLD.clause_key, 'stage', OLD.stage, 'grade', OLD.grade, 'title', OLD.title, 'requirement', OLD.requirement, 'statement', OLD.statement, 'evidence', OLD.evidence, 'status', OLD.status, 'root_cause', OLD.root_cause, 'correction', OLD.correction, 'corrective_action', OLD.corrective_action, 'due_date', OLD.due_date, 'raised_by', OLD.raised_by, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at, 'verified_on', OLD.verified_on, 'verified_by', OLD.verified_by, 'verification_method', OLD.verification_method, 'verification_evidence', OLD.verification_evidence, 'formerly', OLD.formerly, 'doc_key', OLD.doc_key)
    WHERE NOT EXISTS (SELECT 1 FROM team_docs WHERE audit_id = OLD.audit_id AND entity = 'finding' AND row_key = OLD.id);
END;
CREATE TRIGGER findings_team_base_delete AFTER DELETE ON findings
WHEN EXISTS (SELECT 1 FROM team WHERE audit_id = OLD.audit_id)
BEGIN
    INSERT OR IGNORE INTO team_base (audit_id, entity, row_key, fields)
    SELECT OLD.audit_id, 'finding', OLD.id, json_object('id', OLD.id, 'audit_id', OLD.audit_id, 'reference', OLD.reference, 'ref_prefix', OLD.ref_prefix, 'ref_seq', OLD.ref_seq, 'clause_id', OLD.clause_id, 'clause_key', OLD.clause_key, 'stage', OLD.stage, 'grade', OLD.grade, 'title', OLD.title, 'requirement', OLD.requirement, 'statement', OLD.statement, 'evidence', OLD.evidence, 'status', OLD.status, 'root_cause', OLD.root_cause, 'correction', OLD.correction, 'corrective_action', OLD.corrective_action, 'due_date', OLD.due_date, 'raised_by', OLD.raised_by, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at, 'verified_on', OLD.verified_on, 'verified_by', OLD.verified_by, 'verification_method', OLD.verification_method, 'verification_evidence', OLD.verification_evidence, 'formerly', OLD.formerly, 'doc_key', OLD.doc_key)
    WHERE NOT EXISTS (SELECT 1 FROM team_docs WHERE audit_id = OLD.audit_id AND entity = 'finding' AND row_key = OLD.id);
END;
CREATE TRIGGER carried_findings_team_base_update AFTER UPDATE ON carried_findings
WHEN EXISTS (SELECT 1 FROM team WHERE audit_id = OLD.audit_id)
BEGIN
    INSERT OR IGNORE INTO team_base (audit_id, entity, row_key, fields)
    SELECT OLD.audit_id, 'carried', OLD.id, json_object('id', OLD.id, 'audit_id', OLD.audit_id, 'finding_id', OLD.finding_id, 'from_audit_id', OLD.from_audit_id, 'reference', OLD.reference, 'origin', OLD.origin, 'grade', OLD.grade, 'clause_id', OLD.clause_id, 'original_clause_id', OLD.original_clause_id, 'title', OLD.title, 'statement', OLD.statement, 'outcome', OLD.outcome, 'evidence', OLD.evidence, 'raised_finding_id', OLD.raised_finding_id, 'updated_at', OLD.updated_at)
    WHERE NOT EXISTS (SELECT 1 FROM team_docs WHERE audit_id = OLD.audit_id AND entity = 'carried' AND row_key = OLD.id);
END;
CREATE TRIGGER carried_findings_team_base_delete AFTER DELETE ON carried_findings
WHEN EXISTS (SELECT 1 FROM team WHERE audit_id = OLD.audit_id)
BEGIN
    INSERT OR IGNORE INTO team_base (audit_id, entity, row_key, fields)
    SELECT OLD.audit_id, 'carried', OLD.id, json_object('id', OLD.id, 'audit_id', OLD.audit_id, 'finding_id', OLD.finding_id, 'from_audit_id', OLD.from_audit_id, 'reference', OLD.reference, 'origin', OLD.origin, 'grade', OLD.grade, 'clause_id', OLD.clause_id, 'original_clause_id', OLD.original_clause_id, 'title', OLD.title, 'statement', OLD.statement, 'outcome', OLD.outcome, 'evidence', OLD.evidence, 'raised_finding_id', OLD.raised_finding_id, 'updated_at', OLD.updated_at)
    WHERE NOT EXISTS (SELECT 1 FROM team_docs WHERE audit_id = OLD.audit_id AND entity = 'carried' AND row_key = OLD.id);
END;
CREATE TRIGGER samples_team_base_update AFTER UPDATE ON samples
WHEN EXISTS (SELECT 1 FROM team WHERE audit_id = OLD.audit_id)
BEGIN
    INSERT OR IGNORE INTO team_base (audit_id, entity, row_key, fields)
    SELECT OLD.audit_id, 'sample', OLD.id, json_object('id', OLD.id, 'audit_id', OLD.audit_id, 'clause_id', OLD.clause_id, 'clause_key', OLD.clause_key, 'population', OLD.population, 'method', OLD.method, 'size', OLD.size, 'items', OLD.items, 'result', OLD.result, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at, 'period_from', OLD.period_from, 'period_to', OLD.period_to)
    WHERE NOT EXISTS (SELECT 1 FROM team_docs WHERE audit_id = OLD.audit_id AND entity = 'sample' AND row_key = OLD.id);
END;
CREATE TRIGGER samples_team_base_delete AFTER DELETE ON samples
WHEN EXISTS (SELECT 1 FROM team WHERE audit_id = OLD.audit_id)
BEGIN
    INSERT OR IGNORE INTO team_base (audit_id, entity, row_key, fields)
    SELECT OLD.audit_id, 'sample', OLD.id, json_object('id', OLD.id, 'audit_id', OLD.audit_id, 'clause_id', OLD.clause_id, 'clause_key', OLD.clause_key, 'population', OLD.population, 'method', OLD.method, 'size', OLD.size, 'items', OLD.items, 'result', OLD.result, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at, 'period_from', OLD.period_from, 'period_to', OLD.period_to)
    WHERE NOT EXISTS (SELECT 1 FROM team_docs WHERE audit_id = OLD.audit_id AND entity = 'sample' AND row_key = OLD.id);
END;
CREATE TRIGGER interviews_team_base_update AFTER UPDATE ON interviews
WHEN EXISTS (SELECT 1 FROM team WHERE audit_id = OLD.audit_id)
BEGIN
    INSERT OR IGNORE INTO team_base (audit_id, entity, row_key, fields)
    SELECT OLD.audit_id, 'interview', OLD.id, json_object('id', OLD.id, 'audit_id', OLD.audit_id, 'interviewee', OLD.interviewee, 'role', OLD.role, 'held_at', OLD.held_at, 'clauses', OLD.clauses, 'notes', OLD.notes, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at, 'interviewer', OLD.interviewer)
    WHERE NOT EXISTS (SELECT 1 FROM team_docs WHERE audit_id = OLD.audit_id AND entity = 'interview' AND row_key = OLD.id);
END;
CREATE TRIGGER interviews_team_base_delete AFTER DELETE ON interviews
WHEN EXISTS (SELECT 1 FROM team WHERE audit_id = OLD.audit_id)
BEGIN
    INSERT OR IGNORE INTO team_base (audit_id, entity, row_key, fields)
    SELECT OLD.audit_id, 'interview', OLD.id, json_object('id', OLD.id, 'audit_id', OLD.audit_id, 'interviewee', OLD.interviewee, 'role', OLD.role, 'held_at', OLD.held_at, 'clauses', OLD.clauses, 'notes', OLD.notes, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at, 'interviewer', OLD.interviewer)
    WHERE NOT EXISTS (SELECT 1 FROM team_docs WHERE audit_id = OLD.audit_id AND entity = 'interview' AND row_key = OLD.id);
END;
CREATE TRIGGER clause_reviews_team_base_update AFTER UPDATE ON clause_reviews
WHEN EXISTS (SELECT 1 FROM team WHERE audit_id = OLD.audit_id)
BEGIN
    INSERT OR IGNORE INTO team_base (audit_id, entity, row_key, fields)
    SELECT OLD.audit_id, 'clause_review', OLD.clause_id || '/' || OLD.stage, json_object('audit_id', OLD.audit_id, 'clause_id', OLD.clause_id, 'stage', OLD.stage, 'status', OLD.status, 'result', OLD.result, 'notes', OLD.notes, 'questions_covered', OLD.questions_covered, 'updated_at', OLD.updated_at)
    WHERE NOT EXISTS (SELECT 1 FROM team_docs WHERE audit_id = OLD.audit_id AND entity = 'clause_review' AND row_key = OLD.clause_id || '/' || OLD.stage);
END;
CREATE TRIGGER clause_reviews_team_base_delete AFTER DELETE ON clause_reviews
WHEN EXISTS (SELECT 1 FROM team WHERE audit_id = OLD.audit_id)
BEGIN
    INSERT OR IGNORE INTO team_base (audit_id, entity, row_key, fields)
    SELECT OLD.audit_id, 'clause_review', OLD.clause_id || '/' || OLD.stage, json_object('audit_id', OLD.audit_id, 'clause_id', OLD.clause_id, 'stage', OLD.stage, 'status', OLD.status, 'result', OLD.result, 'notes', OLD.notes, 'questions_covered', OLD.questions_covered, 'updated_at', OLD.updated_at)
    WHERE NOT EXISTS (SELECT 1 FROM team_docs WHERE audit_id = OLD.audit_id AND entity = 'clause_review' AND row_key = OLD.clause_id || '/' || OLD.stage);
END;
CREATE TRIGGER document_reviews_team_base_update AFTER UPDATE ON document_reviews
WHEN EXISTS (SELECT 1 FROM team WHERE audit_id = OLD.audit_id)
BEGIN
    INSERT OR IGNORE INTO team_base (audit_id, entity, row_key, fields)
    SELECT OLD.audit_id, 'document_review', OLD.doc_key, json_object('audit_id', OLD.audit_id, 'doc_key', OLD.doc_key, 'clause_id', OLD.clause_id, 'status', OLD.status, 'reference', OLD.reference, 'version', OLD.version, 'notes', OLD.notes, 'updated_at', OLD.updated_at)
    WHERE NOT EXISTS (SELECT 1 FROM team_docs WHERE audit_id = OLD.audit_id AND entity = 'document_review' AND row_key = OLD.doc_key);
END;
CREATE TRIGGER document_reviews_team_base_delete AFTER DELETE ON document_reviews
WHEN EXISTS (SELECT 1 FROM team WHERE audit_id = OLD.audit_id)
BEGIN
    INSERT OR IGNORE INTO team_base (audit_id, entity, row_key, fields)
    SELECT OLD.audit_id, 'document_review', OLD.doc_key, json_object('audit_id', OLD.audit_id, 'doc_key', OLD.doc_key, 'clause_id', OLD.clause_id, 'status', OLD.status, 'reference', OLD.reference, 'version', OLD.version, 'notes', OLD.notes, 'updated_at', OLD.updated_at)
    WHERE NOT EXISTS (SELECT 1 FROM team_docs WHERE audit_id = OLD.audit_id AND entity = 'document_review' AND row_key = OLD.doc_key);
END;
CREATE TRIGGER plan_slots_team_base_update AFTER UPDATE ON plan_slots
WHEN EXISTS (SELECT 1 FROM team WHERE audit_id = OLD.audit_id)
BEGIN
    INSERT OR IGNORE INTO team_base (audit_id, entity, row_key, fields)
    SELECT OLD.audit_id, 'plan_slot', OLD.id, json_object('id', OLD.id, 'audit_id', OLD.audit_id, 'day', OLD.day, 'start', OLD.start, 'end', OLD.end, 'site', OLD.site, 'auditors', OLD.auditors, 'clauses', OLD.clauses, 'subject', OLD.subject, 'contacts', OLD.contacts, 'updated_at', OLD.updated_at)
    WHERE NOT EXISTS (SELECT 1 FROM team_docs WHERE audit_id = OLD.audit_id AND entity = 'plan_slot' AND row_key = OLD.id);
END;
CREATE TRIGGER plan_slots_team_base_delete AFTER DELETE ON plan_slots
WHEN EXISTS (SELECT 1 FROM team WHERE audit_id = OLD.audit_id)
BEGIN
    INSERT OR IGNORE INTO team_base (audit_id, entity, row_key, fields)
    SELECT OLD.audit_id, 'plan_slot', OLD.id, json_object('id', OLD.id, 'audit_id', OLD.audit_id, 'day', OLD.day, 'start', OLD.start, 'end', OLD.end, 'site', OLD.site, 'auditors', OLD.auditors, 'clauses', OLD.clauses, 'subject', OLD.subject, 'contacts', OLD.contacts, 'updated_at', OLD.updated_at)
    WHERE NOT EXISTS (SELECT 1 FROM team_docs WHERE audit_id = OLD.audit_id AND entity = 'plan_slot' AND row_key = OLD.id);
END;
CREATE TRIGGER question_ratings_team_base_update AFTER UPDATE ON question_ratings
WHEN EXISTS (SELECT 1 FROM team WHERE audit_id = OLD.audit_id)
BEGIN
    INSERT OR IGNORE INTO team_base (audit_id, entity, row_key, fields)
    SELECT OLD.audit_id, 'question_rating', OLD.clause_id || '/' || OLD.question, json_object('audit_id', OLD.audit_id, 'clause_id', OLD.clause_id, 'question', OLD.question, 'rating', OLD.rating, 'note', OLD.note, 'evidence', OLD.evidence, 'updated_at', OLD.updated_at, 'carried', OLD.carried)
    WHERE NOT EXISTS (SELECT 1 FROM team_docs WHERE audit_id = OLD.audit_id AND entity = 'question_rating' AND row_key = OLD.clause_id || '/' || OLD.question);
END;
CREATE TRIGGER question_ratings_team_base_delete AFTER DELETE ON question_ratings
WHEN EXISTS (SELECT 1 FROM team WHERE audit_id = OLD.audit_id)
BEGIN
    INSERT OR IGNORE INTO team_base (audit_id, entity, row_key, fields)
    SELECT OLD.audit_id, 'question_rating', OLD.clause_id || '/' || OLD.question, json_object('audit_id', OLD.audit_id, 'clause_id', OLD.clause_id, 'question', OLD.question, 'rating', OLD.rating, 'note', OLD.note, 'evidence', OLD.evidence, 'updated_at', OLD.updated_at, 'carried', OLD.carried)
    WHERE NOT EXISTS (SELECT 1 FROM team_docs WHERE audit_id = OLD.audit_id AND entity = 'question_rating' AND row_key = OLD.clause_id || '/' || OLD.question);
END;
CREATE TRIGGER gaps_team_base_update AFTER UPDATE ON gaps
WHEN EXISTS (SELECT 1 FROM team WHERE audit_id = OLD.audit_id)
BEGIN
    INSERT OR IGNORE INTO team_base (audit_id, entity, row_key, fields)
    SELECT OLD.audit_id, 'gap', OLD.source_kind || ':' || OLD.source_key, json_object('audit_id', OLD.audit_id, 'source_kind', OLD.source_kind, 'source_key', OLD.source_key, 'owner', OLD.owner, 'action', OLD.action, 'target_date', OLD.target_date, 'state', OLD.state, 'updated_at', OLD.updated_at)
    WHERE NOT EXISTS (SELECT 1 FROM team_docs WHERE audit_id = OLD.audit_id AND entity = 'gap' AND row_key = OLD.source_kind || ':' || OLD.source_key);
END;
CREATE TRIGGER gaps_team_base_delete AFTER DELETE ON gaps
WHEN EXISTS (SELECT 1 FROM team WHERE audit_id = OLD.audit_id)
BEGIN
    INSERT OR IGNORE INTO team_base (audit_id, entity, row_key, fields)
    SELECT OLD.audit_id, 'gap', OLD.source_kind || ':' || OLD.source_key, json_object('audit_id', OLD.audit_id, 'source_kind', OLD.source_kind, 'source_key', OLD.source_key, 'owner', OLD.owner, 'action', OLD.action, 'target_date', OLD.target_date, 'state', OLD.state, 'updated_at', OLD.updated_at)
    WHERE NOT EXISTS (SELECT 1 FROM team_docs WHERE audit_id = OLD.audit_id AND entity = 'gap' AND row_key = OLD.source_kind || ':' || OLD.source_key);
END;
CREATE TRIGGER finding_samples_team_base_delete AFTER DELETE ON finding_samples
WHEN EXISTS (SELECT 1 FROM team WHERE audit_id = (SELECT audit_id FROM findings WHERE id = OLD.finding_id))
BEGIN
    INSERT OR IGNORE INTO team_base (audit_id, entity, row_key, fields)
    SELECT (SELECT audit_id FROM findings WHERE id = OLD.finding_id), 'citation', OLD.finding_id || '/' || OLD.sample_id, json_object('finding_id', OLD.finding_id, 'sample_id', OLD.sample_id, 'cited_at', OLD.cited_at)
    WHERE NOT EXISTS (SELECT 1 FROM team_docs WHERE audit_id = (SELECT audit_id FROM findings WHERE id = OLD.finding_id) AND entity = 'citation' AND row_key = OLD.finding_id || '/' || OLD.sample_id);
END;

-- A finding or sample deleted takes its citations with it (the cascade
-- cannot name the audit any more): their state is kept before, so that a
-- finding kept on another laptop comes back with them.
CREATE TRIGGER findings_team_base_citations BEFORE DELETE ON findings
WHEN EXISTS (SELECT 1 FROM team WHERE audit_id = OLD.audit_id)
BEGIN
    INSERT OR IGNORE INTO team_base (audit_id, entity, row_key, fields)
    SELECT OLD.audit_id, 'citation', fs.finding_id || '/' || fs.sample_id,
           json_object('finding_id', fs.finding_id, 'sample_id', fs.sample_id, 'cited_at', fs.cited_at)
    FROM finding_samples fs WHERE fs.finding_id = OLD.id
      AND NOT EXISTS (SELECT 1 FROM team_docs WHERE audit_id = OLD.audit_id AND entity = 'citation'
                      AND row_key = fs.finding_id || '/' || fs.sample_id);
END;
CREATE TRIGGER samples_team_base_citations BEFORE DELETE ON samples
WHEN EXISTS (SELECT 1 FROM team WHERE audit_id = OLD.audit_id)
BEGIN
    INSERT OR IGNORE INTO team_base (audit_id, entity, row_key, fields)
    SELECT OLD.audit_id, 'citation', fs.finding_id || '/' || fs.sample_id,
           json_object('finding_id', fs.finding_id, 'sample_id', fs.sample_id, 'cited_at', fs.cited_at)
    FROM finding_samples fs WHERE fs.sample_id = OLD.id
      AND NOT EXISTS (SELECT 1 FROM team_docs WHERE audit_id = OLD.audit_id AND entity = 'citation'
                      AND row_key = fs.finding_id || '/' || fs.sample_id);
END;
