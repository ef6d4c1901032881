// Record one link (MERGE on its id: a retried mutation writes it once).
MATCH (a:Actor {id: $source})
MATCH (b:Actor {id: $target})
MERGE (a)-[r:__LINK__ {id: $id}]->(b)
ON CREATE SET r.created_at = $now, r.created_run = $run, r.created_by = $by
SET r += $props, r.updated_at = $now, r.updated_run = $run, r.updated_by = $by
RETURN r.id AS id, type(r) AS kind, a.id AS source, b.id AS target, r.subkind AS subkind,
       r.since AS since, r.until AS until, r.sources AS sources, r.created_at AS created_at,
       r.updated_at AS updated_at, r.updated_by AS updated_by
