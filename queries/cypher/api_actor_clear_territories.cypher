// Remove an actor's LOCATED_IN or ACTIVE_IN links before writing the new ones.
MATCH (a:Actor {id: $id})-[r:__LINK__]->(:Territory)
DELETE r
RETURN count(*) AS deleted
