// Remove links recorded by mistake (the change record keeps what they were).
MATCH (a:Actor {id: $source})-[r:__LINK__]->(b:Actor)
WHERE b.id = $target AND r.id IN $ids
DELETE r
RETURN count(*) AS deleted
