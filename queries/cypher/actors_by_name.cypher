// Actors whose folded name is one of $keys (link ends and networks given by name).
UNWIND $keys AS key
MATCH (a:Actor {name_key: key})
RETURN key, a.id AS id, a.name AS name, a.kind AS kind, a.commune AS commune
