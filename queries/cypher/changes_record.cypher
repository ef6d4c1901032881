// The change log entries of one write transaction (graph_model/changes.py), created in it.
UNWIND $rows AS row
CREATE (c:Change {id: row.id, seq: row.seq, n: row.n, at: row.at, by: row.by, token: row.token,
                  run: row.run, operation: row.operation, kind: row.kind, target: row.target,
                  targets: row.targets, links: row.links, detail: row.detail})
