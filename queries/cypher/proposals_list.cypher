// Proposals in id order (ids sort by creation) after $after, with $status (null: any), naming
// one of $actors among the actors they concern (null: any).
MATCH (p:Proposal)
WHERE ($status IS NULL OR p.status = $status)
  AND ($after IS NULL OR p.id > $after)
  AND ($actors IS NULL OR size([a IN p.actors WHERE a IN $actors]) > 0)
RETURN properties(p) AS props
ORDER BY p.id
LIMIT $limit
