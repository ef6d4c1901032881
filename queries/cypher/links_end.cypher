// End links on a date, adding the source that attests the end.
MATCH (a:Actor {id: $source})-[r:__LINK__]->(b:Actor)
WHERE b.id = $target AND r.id IN $ids
SET r.until = $until, r.sources = $sources, r.updated_at = $now, r.updated_run = $run,
    r.updated_by = $by
RETURN r.id AS id, type(r) AS kind, a.id AS source, b.id AS target, r.subkind AS subkind,
       r.since AS since, r.until AS until, r.sources AS sources, r.statements AS statements, r.created_at AS created_at,
       r.updated_at AS updated_at, r.updated_by AS updated_by
