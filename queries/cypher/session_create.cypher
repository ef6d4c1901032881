// A signed-in session: only the SHA-256 of its secret (the cookie's value) is stored.
CREATE (s:Session {id: $id, hash: $hash, user: $user, created_at: $now, expires_at: $expires})
RETURN s.id AS id
