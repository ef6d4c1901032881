// The API's audit entries about $target (an actor's or a link's id), by the indexed `target`,
// newest first, below the sequence $before (null: all).
MATCH (c:Change)
WHERE c.target = $target AND ($before IS NULL OR c.seq < $before)
RETURN properties(c) AS props
ORDER BY c.seq DESC, c.n DESC
LIMIT $limit
