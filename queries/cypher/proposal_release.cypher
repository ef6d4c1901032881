// Give a proposal back (pending) when the decision that claimed it failed before applying.
MATCH (p:Proposal {id: $id})
WHERE p.status = 'deciding' AND p.claim = $claim
SET p.status = 'pending'
REMOVE p.claim, p.claimed_at, p.claim_attempt
RETURN p.id AS id
