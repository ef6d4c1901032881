// One batch of actor-to-actor links of one type, checked against the graph as the
// write runs: a link is created unless the same ends already have a spell of this type that
// the statement joins (graph_model/spells.py) — the same id; or the same sub-kind and: the
// statement is undated, or the spell is undated, or their periods overlap or touch. Those
// spells are returned instead (one row per input row that found any), and the caller merges
// the statement into the one it chooses, in the same transaction. row: {source, target, id,
// props: {subkind, since, until, sources, statements}, reach_from: since - 1 day, reach_to: until + 1 day};
// $now and $run once per batch.
UNWIND $rows AS row
MATCH (a:Actor {id: row.source})
MATCH (b:Actor {id: row.target})
OPTIONAL MATCH (a)-[old:__LINK__]->(b)
  WHERE old.id = row.id
     OR (coalesce(old.subkind, '') = coalesce(row.props.subkind, '')
         AND ((row.props.since IS NULL AND row.props.until IS NULL)
              OR (old.since IS NULL AND old.until IS NULL)
              OR ((old.until IS NULL OR row.props.since IS NULL OR old.until >= row.reach_from)
                  AND (old.since IS NULL OR row.props.until IS NULL
                       OR old.since <= row.reach_to))))
WITH a, b, row,
     collect(CASE WHEN old IS NULL THEN NULL ELSE {id: old.id, subkind: old.subkind,
       since: old.since, until: old.until, sources: old.sources,
       statements: old.statements} END) AS same
FOREACH (x IN CASE WHEN size(same) = 0 THEN [1] ELSE [] END |
  CREATE (a)-[:__LINK__ {id: row.id, subkind: row.props.subkind, since: row.props.since,
    until: row.props.until, sources: row.props.sources, statements: row.props.statements,
    created_at: $now, created_run: $run,
    updated_at: $now, updated_run: $run}]->(b))
WITH row, same
  WHERE size(same) > 0
RETURN row.id AS id, same
