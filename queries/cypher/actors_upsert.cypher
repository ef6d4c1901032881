// One batch of actors of one kind. row: {id, props: {...}}; $now and $run once per batch.
// Looked up on Actor alone: on ArcadeDB a MERGE on two labels (Actor:Kind) ignores the id index
// and scans every actor, so the node is found through the index and created, with its fixed
// kind label, only when missing.
UNWIND $rows AS row
OPTIONAL MATCH (old:Actor {id: row.id})
FOREACH (x IN CASE WHEN old IS NULL THEN [1] ELSE [] END |
  CREATE (:Actor:__KIND__ {id: row.id, created_at: $now, created_run: $run}))
WITH row
MATCH (a:Actor {id: row.id})
SET a += row.props, a.kind = '__KIND__', a.updated_at = $now, a.updated_run = $run
RETURN count(a) AS written
