-- Reserved for branch pipeline-2's migration 0005 (raw cache key): when both branches are
-- merged, this file is replaced by that one. Migration numbers run without gaps.
SELECT 1;
