// One batch of actor-to-actor links of one type, checked against the graph as the
// write runs: a link is created unless the same ends already have a link of this type that is
// the same statement — the same id, or, for an undated statement, the same sub-kind. Those
// links are returned instead (one row per input row that found any), and the caller merges
// the statement into them in the same transaction. row: {source, target, id, props: {subkind,
// since, until, sources}}; $now and $run once per batch.
UNWIND $rows AS row
MATCH (a:Actor {id: row.source})
MATCH (b:Actor {id: row.target})
OPTIONAL MATCH (a)-[old:__LINK__]->(b)
  WHERE old.id = row.id
     OR (row.props.since IS NULL
         AND coalesce(old.subkind, '') = coalesce(row.props.subkind, ''))
WITH a, b, row,
     collect(CASE WHEN old IS NULL THEN NULL ELSE {id: old.id, subkind: old.subkind,
       since: old.since, until: old.until, sources: old.sources} END) AS same
FOREACH (x IN CASE WHEN size(same) = 0 THEN [1] ELSE [] END |
  CREATE (a)-[:__LINK__ {id: row.id, subkind: row.props.subkind, since: row.props.since,
    until: row.props.until, sources: row.props.sources, created_at: $now, created_run: $run,
    updated_at: $now, updated_run: $run}]->(b))
WITH row, same
  WHERE size(same) > 0
RETURN row.id AS id, same
