// Remove the areas of action (ACTIVE_IN) of these actors, before their new ones are written
// (an edit that replaces them). $ids: actor ids.
UNWIND $ids AS id
MATCH (a:Actor {id: id})-[r:ACTIVE_IN]->(:Territory)
DELETE r
RETURN count(*) AS deleted
