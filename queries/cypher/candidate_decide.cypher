// Record a reviewer's decision on a duplicate candidate (who, when, what it led to), if the
// decision still holds the claim it took (candidate_claim).
MATCH (c:DuplicateCandidate {id: $id})
WHERE c.status = 'deciding' AND c.claim = $claim
SET c.status = $status, c.decided_at = $now, c.decided_by = $by, c.note = $note,
    c.result = $result, c.decision_run = $run
REMOVE c.claim, c.claimed_at, c.claim_attempt
RETURN c.id AS id
