// Use a sign-in link once: the first SET takes the link's write lock (Neo4j) or makes two
// concurrent uses conflict (ArcadeDB); then, if it is unused and not expired, it is marked
// used and its account gets the password's hash, in the same transaction.
MATCH (l:SignInLink {hash: $hash})
SET l.redeem_attempt = $now
WITH l
WHERE l.used_at IS NULL AND l.expires_at > $now
MATCH (u:User {id: l.user})
WHERE u.disabled_at IS NULL
SET l.used_at = $now, u.password_hash = $password, u.password_set_at = $now
RETURN l.id AS link, properties(u) AS props
