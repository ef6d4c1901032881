// Delete links of one type by id; one row per link deleted, with its ends (the change log
// names them).
UNWIND $ids AS id
MATCH (a:Actor)-[r:__LINK__ {id: id}]->(b:Actor)
WITH a.id AS source, b.id AS target, r.id AS id, r
DELETE r
RETURN source, target, id
