// The links of one type already joining each pair of actors (to tell unchanged from updated).
UNWIND $rows AS row
MATCH (a:Actor {id: row.source})-[r:__LINK__]->(b:Actor {id: row.target})
RETURN row.source AS source, row.target AS target, r.id AS id, r.subkind AS subkind,
       r.since AS since, r.until AS until, r.sources AS sources, r.statements AS statements
