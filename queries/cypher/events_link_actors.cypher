// TOOK_PART: actor -> event. row: {actor, event, props: {role, sources}}
UNWIND $rows AS row
MATCH (a:Actor {id: row.actor})
MATCH (e:Event {id: row.event})
MERGE (a)-[r:TOOK_PART]->(e)
SET r += row.props
RETURN count(r) AS written
