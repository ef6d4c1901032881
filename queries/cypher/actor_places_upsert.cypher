// LOCATED_IN (seat) or ACTIVE_IN (area of action): actor -> territory.
UNWIND $rows AS row
MATCH (a:Actor {id: row.actor})
MATCH (t:Territory {id: row.territory})
MERGE (a)-[r:__LINK__]->(t)
SET r += row.props
RETURN count(r) AS written
