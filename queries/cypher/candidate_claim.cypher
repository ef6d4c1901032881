// Claim a duplicate candidate for one decision, so that two reviewers (an accept and a reject)
// cannot both apply theirs. The first SET takes the node's write lock (Neo4j) or makes two
// concurrent claims conflict (ArcadeDB); the status is read after it. A claim left by a
// decision that died is taken over once older than $stale.
MATCH (c:DuplicateCandidate {id: $id})
SET c.claim_attempt = $claim
WITH c
WHERE c.status = 'pending' OR (c.status = 'deciding' AND c.claimed_at < $stale)
SET c.status = 'deciding', c.claimed_at = $now, c.claim = $claim
RETURN properties(c) AS props
