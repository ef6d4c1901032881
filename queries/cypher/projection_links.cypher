// Every link of the cooperation graph (actor -> actor), for the analytics projection.
MATCH (a:Actor)-[r:MEMBER_OF|COOPERATES_WITH|CARRIES|SUPPORTS|FUNDS|SITS_ON]->(b:Actor)
RETURN r.id AS id, type(r) AS kind, a.id AS source, b.id AS target, r.subkind AS subkind,
       r.since AS since, r.until AS until, r.sources AS sources
