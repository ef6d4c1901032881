// The links of one type from one actor to another (to check duplicates, to end them).
MATCH (a:Actor {id: $source})-[r:__LINK__]->(b:Actor)
WHERE b.id = $target
RETURN r.id AS id, type(r) AS kind, a.id AS source, b.id AS target, r.subkind AS subkind,
       r.since AS since, r.until AS until, r.sources AS sources, r.statements AS statements, r.created_at AS created_at,
       r.updated_at AS updated_at, r.updated_by AS updated_by
ORDER BY id
