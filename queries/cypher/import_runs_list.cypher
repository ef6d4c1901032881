// The latest import runs, newest first.
MATCH (r:ImportRun)
RETURN r.id AS id, properties(r) AS props
ORDER BY r.started_at DESC, r.id DESC
LIMIT $limit
