// Record an editor's decision on a proposal, if the decision still holds its claim
// (proposal_claim); runs in the transaction that applies it (api/proposals.py).
MATCH (p:Proposal {id: $id})
WHERE p.status = 'deciding' AND p.claim = $claim
SET p.status = $status, p.decided_at = $now, p.decided_by = $by, p.note = $note,
    p.result = $result
REMOVE p.claim, p.claimed_at, p.claim_attempt
RETURN p.id AS id
