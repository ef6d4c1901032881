// Claim a proposal for one decision, so that two editors deciding it at once cannot both apply
// theirs (as candidate_claim does): the first SET takes the node's write lock (Neo4j) or makes
// two concurrent claims conflict (ArcadeDB); the status is read after it. A claim left by a
// decision that died is taken over once older than $stale.
MATCH (p:Proposal {id: $id})
SET p.claim_attempt = $claim
WITH p
WHERE p.status = 'pending' OR (p.status = 'deciding' AND p.claimed_at < $stale)
SET p.status = 'deciding', p.claimed_at = $now, p.claim = $claim
RETURN properties(p) AS props
