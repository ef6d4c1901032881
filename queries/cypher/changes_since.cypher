// The change log after sequence $after, in commit order, at most $limit entries.
MATCH (c:Change)
WHERE c.seq > $after
RETURN properties(c) AS props
ORDER BY c.seq, c.n
LIMIT $limit
