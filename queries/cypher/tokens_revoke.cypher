// Revoke the active token(s) with this id or name; returns what was revoked.
MATCH (t:ApiToken)
WHERE (t.id = $ref OR t.name = $ref) AND t.revoked_at IS NULL
SET t.revoked_at = $now
RETURN t.id AS id, t.name AS name, t.role AS role, t.created_at AS created_at,
       t.created_by AS created_by, t.revoked_at AS revoked_at
