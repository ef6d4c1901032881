// One batch of actors of one kind. row: {id, props: {...}, now, run}
UNWIND $rows AS row
MERGE (a:Actor:__KIND__ {id: row.id})
ON CREATE SET a.created_at = row.now, a.created_run = row.run
SET a += row.props, a.kind = '__KIND__', a.updated_at = row.now, a.updated_run = row.run
RETURN count(a) AS written
