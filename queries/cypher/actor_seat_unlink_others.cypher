// An actor whose seat moved: remove its LOCATED_IN to any other commune. row: {actor, territory}
UNWIND $rows AS row
MATCH (a:Actor {id: row.actor})-[r:LOCATED_IN]->(t:Territory)
WHERE t.id <> row.territory
DELETE r
RETURN count(*) AS removed
