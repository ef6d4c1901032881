UNWIND $ids AS id
MATCH (t:Theme {id: id})
RETURN t.id AS id, properties(t) AS props
