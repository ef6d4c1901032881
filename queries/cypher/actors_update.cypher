// Update existing actors (matched on the Actor id index). row: {id, props, now, run, by}
UNWIND $rows AS row
MATCH (a:Actor {id: row.id})
SET a += row.props, a.updated_at = row.now, a.updated_run = row.run, a.updated_by = row.by
RETURN count(a) AS written
