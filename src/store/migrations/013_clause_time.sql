-- auditbench schema, version 13: time spent on each clause of an audit,
-- counted while the clause is walked in the workbench (idle minutes and a
-- sleeping laptop not counted) or set by hand. Working data of the auditor,
-- written every minute while walking: kept out of the audit trail, like the
-- drafts.

CREATE TABLE clause_time (
    audit_id   TEXT NOT NULL REFERENCES audits(id) ON DELETE CASCADE,
    clause_id  TEXT NOT NULL,
    seconds    INTEGER NOT NULL DEFAULT 0 CHECK (seconds >= 0),
    updated_at TEXT NOT NULL,
    PRIMARY KEY (audit_id, clause_id)
) STRICT, WITHOUT ROWID;
