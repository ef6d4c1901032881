// The kind of each actor that exists among $ids (a kind is fixed at creation).
UNWIND $ids AS id
MATCH (a:Actor {id: id})
RETURN a.id AS id, a.kind AS kind
