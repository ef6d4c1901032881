// USES or DEVELOPED: actor -> method. row: {actor, method, props: {sources}}
UNWIND $rows AS row
MATCH (a:Actor {id: row.actor})
MATCH (m:Method {id: row.method})
MERGE (a)-[r:__LINK__]->(m)
SET r += row.props
RETURN count(r) AS written
