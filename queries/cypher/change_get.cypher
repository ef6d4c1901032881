// One change log entry by its id (an audit entry keeps the id the API gave it).
MATCH (c:Change {id: $id})
RETURN properties(c) AS props
