// Event nodes of the movement dataset. row: {id, props}
UNWIND $rows AS row
MERGE (e:Event {id: row.id})
SET e += row.props
RETURN count(e) AS written
