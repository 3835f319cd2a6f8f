-- auditbench schema, version 16: the stage 1 concern, a grade class of its
-- own (an area of concern found in the documentation review that could be
-- a nonconformity at stage 2). The findings table's grade constraint gains
-- 'stage1_concern' and its report-order rank puts it after the minor NCs
-- (major 0, minor 1, stage 1 concern 2, observation 3, OFI 4, good practice
-- 5). The migration's hook rewrites the table's SQL in place, as SQLite
-- documents, and rebuilds the indexes that hold the rank.
DROP TABLE IF EXISTS no_such_table; -- (the work is in the hook)
