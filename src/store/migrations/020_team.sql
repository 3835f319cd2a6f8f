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
