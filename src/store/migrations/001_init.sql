-- auditbench schema, version 1.
-- Ids are UUIDs (so files of several auditors can be merged later);
-- times are UTC RFC 3339; dates are YYYY-MM-DD or ''.

CREATE TABLE catalogues (
    id        TEXT PRIMARY KEY,
    edition   TEXT NOT NULL,
    title     TEXT NOT NULL,
    source    TEXT NOT NULL,
    added_at  TEXT NOT NULL
) STRICT;

CREATE TABLE audits (
    id                 TEXT PRIMARY KEY,
    organisation       TEXT NOT NULL,
    scope              TEXT NOT NULL DEFAULT '',
    catalogue_id       TEXT NOT NULL,
    edition            TEXT NOT NULL,
    audit_type         TEXT NOT NULL
        CHECK (audit_type IN ('stage1','stage2','surveillance','recertification','internal')),
    certification_body TEXT NOT NULL DEFAULT '',
    lead_auditor       TEXT NOT NULL DEFAULT '',
    team               TEXT NOT NULL DEFAULT '',
    start_date         TEXT NOT NULL DEFAULT '',
    end_date           TEXT NOT NULL DEFAULT '',
    status             TEXT NOT NULL DEFAULT 'planned'
        CHECK (status IN ('planned','in_progress','reported')),
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
) STRICT;

CREATE TABLE clause_reviews (
    audit_id          TEXT NOT NULL REFERENCES audits(id) ON DELETE CASCADE,
    clause_id         TEXT NOT NULL,
    stage             INTEGER NOT NULL CHECK (stage IN (1, 2)),
    status            TEXT NOT NULL DEFAULT 'not_started'
        CHECK (status IN ('not_started','in_progress','done')),
    result            TEXT NOT NULL DEFAULT 'not_assessed'
        CHECK (result IN ('not_assessed','conforming','nonconforming','not_applicable')),
    notes             TEXT NOT NULL DEFAULT '',
    questions_covered TEXT NOT NULL DEFAULT '',
    updated_at        TEXT NOT NULL,
    PRIMARY KEY (audit_id, clause_id, stage)
) STRICT, WITHOUT ROWID;

CREATE TABLE document_reviews (
    audit_id   TEXT NOT NULL REFERENCES audits(id) ON DELETE CASCADE,
    doc_key    TEXT NOT NULL,
    clause_id  TEXT NOT NULL,
    status     TEXT NOT NULL DEFAULT 'not_reviewed'
        CHECK (status IN ('not_reviewed','adequate','needs_improvement','missing','not_applicable')),
    reference  TEXT NOT NULL DEFAULT '',
    version    TEXT NOT NULL DEFAULT '',
    notes      TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    PRIMARY KEY (audit_id, doc_key)
) STRICT, WITHOUT ROWID;

CREATE TABLE findings (
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
        CHECK (status IN ('open','response_received','closed')),
    root_cause        TEXT NOT NULL DEFAULT '',
    correction        TEXT NOT NULL DEFAULT '',
    corrective_action TEXT NOT NULL DEFAULT '',
    due_date          TEXT NOT NULL DEFAULT '',
    raised_by         TEXT NOT NULL DEFAULT '',
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    UNIQUE (audit_id, reference)
) STRICT;

CREATE INDEX findings_by_grade ON findings (audit_id, grade_rank, clause_key, ref_seq);
CREATE INDEX findings_by_prefix ON findings (audit_id, ref_prefix, ref_seq);
CREATE INDEX findings_by_clause ON findings (audit_id, clause_key);

CREATE TABLE interviews (
    id          TEXT PRIMARY KEY,
    audit_id    TEXT NOT NULL REFERENCES audits(id) ON DELETE CASCADE,
    interviewee TEXT NOT NULL,
    role        TEXT NOT NULL DEFAULT '',
    held_at     TEXT NOT NULL DEFAULT '',
    clauses     TEXT NOT NULL DEFAULT '',
    notes       TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;

CREATE INDEX interviews_by_audit ON interviews (audit_id, held_at);

CREATE TABLE samples (
    id          TEXT PRIMARY KEY,
    audit_id    TEXT NOT NULL REFERENCES audits(id) ON DELETE CASCADE,
    clause_id   TEXT NOT NULL,
    clause_key  TEXT NOT NULL,
    population  TEXT NOT NULL,
    method      TEXT NOT NULL CHECK (method IN ('judgement','statistical')),
    size        INTEGER NOT NULL CHECK (size >= 0),
    items       TEXT NOT NULL DEFAULT '',
    result      TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;

CREATE INDEX samples_by_audit ON samples (audit_id, clause_key);
