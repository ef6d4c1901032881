MATCH (c:DuplicateCandidate {id: $id})
RETURN properties(c) AS props
