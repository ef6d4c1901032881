// The import runs still marked running (going on, or left by a killed import), oldest first.
MATCH (r:ImportRun)
WHERE r.status = 'running'
RETURN r.id AS id, properties(r) AS props
ORDER BY r.started_at, r.id
