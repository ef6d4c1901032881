// One batch of actor-to-actor links of one type, created or updated on their id; $now and
// $run given once for the batch. row: {source, target, id, props}
UNWIND $rows AS row
MATCH (a:Actor {id: row.source})
MATCH (b:Actor {id: row.target})
MERGE (a)-[r:__LINK__ {id: row.id}]->(b)
ON CREATE SET r.created_at = $now, r.created_run = $run
SET r += row.props, r.updated_at = $now, r.updated_run = $run
RETURN count(r) AS written
