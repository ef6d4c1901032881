MERGE (m:Meta {id: 'graph'})
ON CREATE SET m.version = 1, m.changed_at = $now
ON MATCH SET m.version = m.version + 1, m.changed_at = $now
RETURN m.version AS version
