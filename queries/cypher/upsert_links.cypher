// One batch of actor-to-actor links of one type. row: {source, target, id, props}
UNWIND $rows AS row
MATCH (a:Actor {id: row.source})
MATCH (b:Actor {id: row.target})
MERGE (a)-[r:__LINK__ {id: row.id}]->(b)
ON CREATE SET r.created_at = row.now, r.created_run = row.run
SET r += row.props, r.updated_at = row.now, r.updated_run = row.run
RETURN count(r) AS written
