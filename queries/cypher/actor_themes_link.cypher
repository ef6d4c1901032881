// WORKS_ON: actor -> theme. row: {actor, theme}
UNWIND $rows AS row
MATCH (a:Actor {id: row.actor})
MATCH (t:Theme {id: row.theme})
MERGE (a)-[r:WORKS_ON]->(t)
RETURN count(r) AS written
