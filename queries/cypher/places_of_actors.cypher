// Seat (LOCATED_IN) and areas of action (ACTIVE_IN) of a batch of actors.
UNWIND $ids AS id
MATCH (a:Actor {id: id})-[r:LOCATED_IN|ACTIVE_IN]->(t:Territory)
RETURN id AS actor, type(r) AS relation, t.id AS territory
