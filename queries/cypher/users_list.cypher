// Every account, by name.
MATCH (u:User)
RETURN properties(u) AS props
ORDER BY u.name_key
