// An account's role and network (null: no network, a national role).
MATCH (u:User {id: $id})
SET u.role = $role, u.network = $network
RETURN properties(u) AS props
