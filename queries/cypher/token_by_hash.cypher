// The active token with this digest, if any.
MATCH (t:ApiToken {hash: $hash})
WHERE t.revoked_at IS NULL
RETURN t.id AS id, t.name AS name, t.role AS role
