OPTIONAL MATCH (m:Meta {id: $id})
RETURN m.value AS value
