-- auditbench schema, version 14.
--
-- 1. The special audit type (ISO/IEC 17021-1 9.6.4: a short-notice visit
--    after a complaint or a change, or to extend the scope). The audits
--    table's CHECK constraint gains 'special': the migration's hook widens
--    it in place (SQLite's documented way to change a CHECK constraint that
--    every stored row already meets), so no table that triggers and foreign
--    keys hang on is rebuilt.
--
-- 2. Time per clause is kept per day, so the plan's days can be compared
--    with the days walked. Time counted before this version goes to the day
--    it was last written.

CREATE TABLE clause_time_by_day (
    audit_id   TEXT NOT NULL REFERENCES audits(id) ON DELETE CASCADE,
    clause_id  TEXT NOT NULL,
    day        TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    seconds    INTEGER NOT NULL DEFAULT 0 CHECK (seconds >= 0),
    updated_at TEXT NOT NULL,
    PRIMARY KEY (audit_id, clause_id, day)
) STRICT, WITHOUT ROWID;

INSERT INTO clause_time_by_day (audit_id, clause_id, day, seconds, updated_at)
    SELECT audit_id, clause_id, substr(updated_at, 1, 10), seconds, updated_at FROM clause_time;

DROP TABLE clause_time;
ALTER TABLE clause_time_by_day RENAME TO clause_time;

-- 3. Clients attached by version 10's migration were given no every-visit
--    clauses, so the programme could not warn about them. They get the
--    default a new client gets (internal audit, management review,
--    nonconformity and corrective action, change management, business
--    relationship management), in the trail; a client whose every-visit
--    clauses were set by hand (the trail says so) keeps them, empty or not.
UPDATE clients
   SET every_visit = '9.2 9.3 10.1 8.5.1 8.3.2',
       updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
 WHERE every_visit = ''
   AND NOT EXISTS (SELECT 1 FROM history
                    WHERE entity = 'client' AND row_key = clients.id AND field = 'every_visit');
