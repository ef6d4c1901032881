// Cooperation links of a batch of actors, both directions (one row per actor and link).
UNWIND $ids AS id
MATCH (a:Actor {id: id})-[r:MEMBER_OF|COOPERATES_WITH|CARRIES|SUPPORTS|FUNDS|SITS_ON]-(b:Actor)
RETURN id AS actor, r.id AS id, type(r) AS kind, startNode(r).id AS source,
       endNode(r).id AS target, r.subkind AS subkind, r.since AS since, r.until AS until,
       r.sources AS sources, r.statements AS statements, r.created_at AS created_at, r.updated_at AS updated_at,
       r.updated_by AS updated_by
