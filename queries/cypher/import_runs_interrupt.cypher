// Runs whose import is gone: marked interrupted, only if they are still running.
MATCH (r:ImportRun)
WHERE r.id IN $ids AND r.status = 'running'
SET r.status = 'interrupted', r.interrupted_at = $at, r.finished_at = $at
RETURN r.id AS id
