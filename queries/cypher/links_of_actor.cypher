// Cooperation links of one actor, both directions, valid on $as_of when given.
MATCH (a:Actor {id: $id})-[r:MEMBER_OF|COOPERATES_WITH|CARRIES|SUPPORTS|FUNDS|SITS_ON]-(b:Actor)
WHERE $as_of IS NULL
   OR ((r.since IS NULL OR r.since <= date($as_of)) AND (r.until IS NULL OR r.until >= date($as_of)))
RETURN r.id AS id, type(r) AS kind, startNode(r).id AS source, endNode(r).id AS target,
       r.subkind AS subkind, r.since AS since, r.until AS until, r.sources AS sources, r.statements AS statements
ORDER BY id
