UNWIND $rows AS row
MERGE (t:Territory {id: row.id})
SET t += row.props
RETURN count(t) AS written
