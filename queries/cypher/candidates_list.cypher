// Duplicate candidates with the actor each one resembles ($status null: all of them).
MATCH (c:DuplicateCandidate)
WHERE $status IS NULL OR c.status = $status
OPTIONAL MATCH (a:Actor {id: c.actor})
RETURN c.id AS id, c.status AS status, c.score AS score, c.reasons AS reasons,
       c.format AS format, c.file_name AS file_name, c.line AS line,
       c.record_name AS record_name, c.record_alias AS record_alias,
       c.record_commune AS record_commune, c.actor AS actor, a.name AS actor_name,
       a.commune AS actor_commune, c.created_at AS created_at, c.decided_at AS decided_at,
       c.decided_by AS decided_by, c.note AS note, c.result AS result
ORDER BY c.created_at, c.id
