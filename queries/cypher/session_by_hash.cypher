// The open, unexpired session with this digest, if any.
MATCH (s:Session {hash: $hash})
WHERE s.ended_at IS NULL AND s.expires_at > $at
RETURN properties(s) AS props
