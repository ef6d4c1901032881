// The account with this id, or with this name (case-folded: $key).
MATCH (u:User)
WHERE u.id = $ref OR u.name_key = $key
RETURN properties(u) AS props
LIMIT 1
