-- auditbench schema, version 11: the client's response after the report.
-- A reported audit's findings stay frozen; what arrives afterwards is
-- recorded beside them, each as its own record, append-only, in the audit
-- trail: the client's response (correction, root cause, corrective action
-- and its due date), the auditor's review of the plan (accepted or
-- rejected, with the reason), and the verification (method, date,
-- evidence, by whom).

CREATE TABLE responses (
    id                TEXT PRIMARY KEY,
    audit_id          TEXT NOT NULL REFERENCES audits(id) ON DELETE CASCADE,
    finding_id        TEXT NOT NULL REFERENCES findings(id) ON DELETE CASCADE,
    reference         TEXT NOT NULL,
    kind              TEXT NOT NULL CHECK (kind IN ('response', 'review', 'verification')),
    correction        TEXT NOT NULL DEFAULT '',
    root_cause        TEXT NOT NULL DEFAULT '',
    corrective_action TEXT NOT NULL DEFAULT '',
    due_date          TEXT NOT NULL DEFAULT '',
    -- a review: accepted / rejected; a verification: effective / not_effective
    decision          TEXT NOT NULL DEFAULT '',
    reason            TEXT NOT NULL DEFAULT '',
    method            TEXT NOT NULL DEFAULT '',
    verified_on       TEXT NOT NULL DEFAULT '',
    evidence          TEXT NOT NULL DEFAULT '',
    recorded_by       TEXT NOT NULL DEFAULT '',
    recorded_at       TEXT NOT NULL
) STRICT;
CREATE INDEX responses_by_finding ON responses (finding_id, recorded_at);
CREATE INDEX responses_by_audit ON responses (audit_id);

CREATE TRIGGER responses_history_insert AFTER INSERT ON responses
BEGIN
    INSERT INTO history_append VALUES (NEW.recorded_at, NEW.audit_id, 'response', NEW.id, NEW.reference || ' ' || NEW.kind, 'created', NULL, json_object('finding_id', NEW.finding_id, 'reference', NEW.reference, 'kind', NEW.kind, 'correction', NEW.correction, 'root_cause', NEW.root_cause, 'corrective_action', NEW.corrective_action, 'due_date', NEW.due_date, 'decision', NEW.decision, 'reason', NEW.reason, 'method', NEW.method, 'verified_on', NEW.verified_on, 'evidence', NEW.evidence));
END;
CREATE TRIGGER responses_history_delete AFTER DELETE ON responses
BEGIN
    INSERT INTO history_append VALUES (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), OLD.audit_id, 'response', OLD.id, OLD.reference || ' ' || OLD.kind, 'deleted', json_object('finding_id', OLD.finding_id, 'reference', OLD.reference, 'kind', OLD.kind, 'correction', OLD.correction, 'root_cause', OLD.root_cause, 'corrective_action', OLD.corrective_action, 'due_date', OLD.due_date, 'decision', OLD.decision, 'reason', OLD.reason, 'method', OLD.method, 'verified_on', OLD.verified_on, 'evidence', OLD.evidence), NULL);
END;
CREATE TRIGGER responses_are_append_only_update BEFORE UPDATE ON responses
BEGIN SELECT RAISE(ABORT, 'a recorded response is kept as it was; record a new one'); END;
CREATE TRIGGER responses_are_append_only_delete BEFORE DELETE ON responses
WHEN (SELECT count(*) FROM audits WHERE id = OLD.audit_id) > 0
BEGIN SELECT RAISE(ABORT, 'a recorded response is kept as it was; record a new one'); END;
