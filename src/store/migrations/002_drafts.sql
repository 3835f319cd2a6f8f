-- Text being typed in an editor, persisted before it is committed to its
-- field, so that a crash or kill -9 loses nothing. `target` names the field
-- (see store::EditTarget); a draft is deleted when its field is saved.
CREATE TABLE drafts (
    target     TEXT PRIMARY KEY,
    -- '' for a form that creates an audit
    audit_id   TEXT NOT NULL DEFAULT '',
    label      TEXT NOT NULL,
    text       TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
