// An API token: only the SHA-256 of the secret is stored (see api/auth.py).
CREATE (t:ApiToken {id: $id, name: $name, role: $role, hash: $hash, created_at: $now, created_by: $by})
RETURN t.id AS id
