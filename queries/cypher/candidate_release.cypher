// Give a candidate back to review when the decision that claimed it failed before applying.
MATCH (c:DuplicateCandidate {id: $id})
WHERE c.status = 'deciding' AND c.claim = $claim
SET c.status = 'pending'
REMOVE c.claim, c.claimed_at, c.claim_attempt
RETURN c.id AS id
