-- auditbench schema, version 8: a finding cites the samples that support it
-- (ISO 19011 A.6: the records seen are the finding's evidence). Each
-- citation is in the audit trail, under the finding; a reported audit's
-- citations are frozen with the rest of its record.

CREATE TABLE finding_samples (
    finding_id TEXT NOT NULL REFERENCES findings(id) ON DELETE CASCADE,
    sample_id  TEXT NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
    cited_at   TEXT NOT NULL,
    PRIMARY KEY (finding_id, sample_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX finding_samples_by_sample ON finding_samples (sample_id);

CREATE TRIGGER finding_samples_history_insert AFTER INSERT ON finding_samples
BEGIN
    INSERT INTO history_append
        SELECT NEW.cited_at, f.audit_id, 'finding', f.id, f.reference, 'cites_sample', NULL,
               s.clause_id || ' ' || s.population
        FROM findings f, samples s WHERE f.id = NEW.finding_id AND s.id = NEW.sample_id;
END;

-- (a deleted finding or sample takes its citations with it: the deletion
-- itself is in the trail, and the join below finds nothing to name)
CREATE TRIGGER finding_samples_history_delete AFTER DELETE ON finding_samples
BEGIN
    INSERT INTO history_append
        SELECT strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), f.audit_id, 'finding', f.id, f.reference,
               'cites_sample', s.clause_id || ' ' || s.population, NULL
        FROM findings f, samples s WHERE f.id = OLD.finding_id AND s.id = OLD.sample_id;
END;

CREATE TRIGGER finding_samples_reported_insert BEFORE INSERT ON finding_samples
WHEN (SELECT a.status FROM audits a JOIN findings f ON f.audit_id = a.id
      WHERE f.id = NEW.finding_id) = 'reported'
BEGIN SELECT RAISE(ABORT, 'the audit is reported, so its findings and records are read-only; reopen it (with a reason) to change them'); END;

CREATE TRIGGER finding_samples_reported_delete BEFORE DELETE ON finding_samples
WHEN (SELECT a.status FROM audits a JOIN findings f ON f.audit_id = a.id
      WHERE f.id = OLD.finding_id) = 'reported'
BEGIN SELECT RAISE(ABORT, 'the audit is reported, so its findings and records are read-only; reopen it (with a reason) to change them'); END;
