// These links of one type (projection_links' columns), found from their ends' indexed ids: the
// projection's deltas read again the links the change log names. row: {id, source, target}
UNWIND $rows AS row
MATCH (a:Actor {id: row.source})-[r:__LINK__]->(b:Actor)
WHERE b.id = row.target AND r.id = row.id
RETURN r.id AS id, type(r) AS kind, a.id AS source, b.id AS target, r.subkind AS subkind,
       r.since AS since, r.until AS until, r.sources AS sources
