// A proposal by id.
MATCH (p:Proposal {id: $id})
RETURN properties(p) AS props
