// A one-time sign-in link of an account: only the SHA-256 of its secret is stored.
MATCH (u:User {id: $user})
CREATE (l:SignInLink {id: $id, hash: $hash, user: $user, created_at: $now, expires_at: $expires})
RETURN l.id AS id
