MERGE (m:Meta {id: $id})
SET m.value = $value
RETURN m.value AS value
