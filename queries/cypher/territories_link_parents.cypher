UNWIND $rows AS row
MATCH (c:Territory {id: row.id})
MATCH (p:Territory {id: row.parent})
MERGE (c)-[:PART_OF]->(p)
RETURN count(*) AS written
