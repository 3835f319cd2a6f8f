-- auditbench schema, version 4: indexes for audits with 100 000 findings.
-- The findings screen lists ids in report order with optional filters on
-- grade, status and clause: one index holds the order and every filter
-- column, so listing is an index-only scan. The clause tree's per-clause
-- counts (findings, open NCs) read another index only.
DROP INDEX findings_by_grade;
CREATE INDEX findings_report_order
    ON findings (audit_id, grade_rank, clause_key, ref_prefix, ref_seq, status, clause_id);
DROP INDEX findings_by_clause;
CREATE INDEX findings_by_clause
    ON findings (audit_id, clause_key, clause_id, grade_rank, status);
-- The recommendation's tally of nonconformities by grade and status.
CREATE INDEX findings_nc_tally ON findings (audit_id, grade_rank, status);
-- The screen's other orders, so that changing the order does not sort every row.
CREATE INDEX findings_due_order ON findings
    (audit_id, due_date = '', due_date, grade_rank, clause_key, ref_prefix, ref_seq);
CREATE INDEX findings_status_order ON findings
    (audit_id, CASE status WHEN 'open' THEN 0 WHEN 'response_received' THEN 1 ELSE 2 END,
     grade_rank, clause_key, ref_prefix, ref_seq);
