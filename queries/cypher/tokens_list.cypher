MATCH (t:ApiToken)
RETURN t.id AS id, t.name AS name, t.role AS role, t.created_at AS created_at,
       t.created_by AS created_by, t.revoked_at AS revoked_at
ORDER BY t.created_at, t.id
