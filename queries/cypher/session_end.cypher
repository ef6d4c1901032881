// Sign-out: close the open session with this digest.
MATCH (s:Session {hash: $hash})
WHERE s.ended_at IS NULL
SET s.ended_at = $at
RETURN s.id AS id
