// Methods and events already in the graph, to write only what changed.
UNWIND $ids AS id
OPTIONAL MATCH (m:Method {id: id})
OPTIONAL MATCH (e:Event {id: id})
WITH id, coalesce(m, e) AS n
WHERE n IS NOT NULL
RETURN id, properties(n) AS props
