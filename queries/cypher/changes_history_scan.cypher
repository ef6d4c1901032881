// The other change log entries (imports, link writes) listing $target among their targets,
// newest first: the `targets` list is not indexed, so only the sequence range
// [$floor, $below) is read (through the index on `seq`).
MATCH (c:Change)
WHERE c.seq >= $floor AND c.seq < $below AND c.kind <> 'edit' AND $target IN c.targets
RETURN properties(c) AS props
ORDER BY c.seq DESC, c.n DESC
LIMIT $limit
