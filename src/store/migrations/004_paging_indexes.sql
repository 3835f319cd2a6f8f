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
