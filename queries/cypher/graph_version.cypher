// The graph version: every write transaction bumps it; the projection compares it.
OPTIONAL MATCH (m:Meta {id: 'graph'})
RETURN coalesce(m.version, 0) AS version
