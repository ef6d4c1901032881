// A record held for review: close to an existing actor, not certainly the same.
// row: {id, props: {actor, score, reasons, record_name, record_alias, payload, ...}, now, run}
UNWIND $rows AS row
MERGE (c:DuplicateCandidate {id: row.id})
ON CREATE SET c.status = 'pending', c.created_at = row.now, c.created_run = row.run
SET c += row.props, c.updated_at = row.now, c.updated_run = row.run
RETURN count(c) AS written
