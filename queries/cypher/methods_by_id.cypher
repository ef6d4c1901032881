UNWIND $ids AS id
MATCH (m:Method {id: id})
RETURN m.id AS id, properties(m) AS props
