// Remove links recorded by mistake (the change record keeps what they were); one row per link.
MATCH (a:Actor {id: $source})-[r:__LINK__]->(b:Actor)
WHERE b.id = $target AND r.id IN $ids
WITH r.id AS id, r
DELETE r
RETURN id
