// The change log entries of the sequence numbers $first to $last, in commit order: one lookup
// of the Change.seq index per number (a range condition on it scans every entry on ArcadeDB).
UNWIND range($first, $last) AS s
MATCH (c:Change {seq: s})
RETURN properties(c) AS props
ORDER BY c.seq, c.n
