-- auditbench schema, version 7: settings of this file on this machine that
-- are not part of the audit record (not in the trail, never merged with a
-- teammate's file): who is working on an audit ("auditor/AUDIT_ID").

CREATE TABLE local_settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
