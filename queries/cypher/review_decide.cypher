// Record a reviewer's decision on a duplicate candidate (who, when, what it led to).
MATCH (c:DuplicateCandidate {id: $id})
SET c.status = $status, c.decided_at = $now, c.decided_by = $by, c.note = $note,
    c.result = $result, c.decision_run = $run
RETURN c.id AS id
