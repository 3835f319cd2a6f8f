-- auditbench schema, version 15: each audit's grade scale, frozen when the
-- audit is created (a snapshot of the scale file, as TOML), so editing or
-- deleting the file later never changes the audit or its reports. Audits
-- made before scales existed get the generic scale (the migration's hook),
-- which is what they were graded with. A snapshot never changes.

CREATE TABLE audit_scales (
    audit_id   TEXT PRIMARY KEY REFERENCES audits(id) ON DELETE CASCADE,
    scale_id   TEXT NOT NULL,
    snapshot   TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TRIGGER audit_scales_frozen BEFORE UPDATE ON audit_scales
BEGIN SELECT RAISE(ABORT, 'an audit''s grade scale is frozen when the audit is created'); END;
