// Tests and benchmarks only: empty the database — all but the graph version, so that sequence
// numbers keep increasing and a reader of the change log sees the graph was cleared.
MATCH (n)
WHERE NOT (n:Meta AND n.id = 'graph')
DETACH DELETE n
