-- auditbench schema, version 6: the findings' texts searchable by the
-- finder (a change record id quoted in the evidence, words of the
-- statement). An FTS5 index with the trigram tokenizer, so that any run of
-- three or more characters is found, case-insensitively, with LIKE.
-- It indexes one body per finding (statement, evidence, the client's
-- response, the verification) read through a view of the findings table
-- (external content: the text is not stored twice), with detail=none: the
-- smallest index (about 7% of the file) that LIKE can still use.
-- The triggers below keep it in step.
-- The findings table has no INTEGER PRIMARY KEY: its row ids stay as they
-- are through backups (page copies) but a VACUUM could renumber them, so a
-- VACUUM must be followed by INSERT INTO finding_text(finding_text) VALUES('rebuild').

CREATE VIEW finding_text_body (rid, body) AS
    SELECT rowid, statement || char(10) || evidence || char(10) || correction || char(10)
        || root_cause || char(10) || corrective_action || char(10) || verification_evidence
    FROM findings;

CREATE VIRTUAL TABLE finding_text USING fts5(
    body, content = 'finding_text_body', content_rowid = 'rid', tokenize = 'trigram',
    detail = none
);

INSERT INTO finding_text (finding_text) VALUES ('rebuild');

CREATE TRIGGER finding_text_insert AFTER INSERT ON findings BEGIN
    INSERT INTO finding_text (rowid, body) VALUES (new.rowid,
        new.statement || char(10) || new.evidence || char(10) || new.correction || char(10)
        || new.root_cause || char(10) || new.corrective_action || char(10)
        || new.verification_evidence);
END;

CREATE TRIGGER finding_text_delete AFTER DELETE ON findings BEGIN
    INSERT INTO finding_text (finding_text, rowid, body) VALUES ('delete', old.rowid,
        old.statement || char(10) || old.evidence || char(10) || old.correction || char(10)
        || old.root_cause || char(10) || old.corrective_action || char(10)
        || old.verification_evidence);
END;

CREATE TRIGGER finding_text_update AFTER UPDATE OF statement, evidence, correction, root_cause,
        corrective_action, verification_evidence ON findings BEGIN
    INSERT INTO finding_text (finding_text, rowid, body) VALUES ('delete', old.rowid,
        old.statement || char(10) || old.evidence || char(10) || old.correction || char(10)
        || old.root_cause || char(10) || old.corrective_action || char(10)
        || old.verification_evidence);
    INSERT INTO finding_text (rowid, body) VALUES (new.rowid,
        new.statement || char(10) || new.evidence || char(10) || new.correction || char(10)
        || new.root_cause || char(10) || new.corrective_action || char(10)
        || new.verification_evidence);
END;
