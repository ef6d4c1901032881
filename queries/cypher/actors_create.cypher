// Create actors of one kind (the kind label is fixed at creation). row: {id, props, now, run, by}
// CREATE after an existence check, not MERGE: on ArcadeDB a MERGE or MATCH that names the kind
// label does not use the Actor id index and scans every actor of the kind.
UNWIND $rows AS row
CREATE (a:Actor:__KIND__ {id: row.id})
SET a += row.props, a.kind = '__KIND__', a.created_at = row.now, a.created_run = row.run,
    a.created_by = row.by, a.updated_at = row.now, a.updated_run = row.run, a.updated_by = row.by
RETURN count(a) AS written
