MATCH (t:Territory {id: $id})-[:PART_OF*1..4]->(p:Territory)
RETURN DISTINCT p.id AS id, p.level AS level, p.name AS name
ORDER BY id
