// Method nodes of the movement dataset (EVALUMIP, VISES, ESS'perluette). row: {id, props}
UNWIND $rows AS row
MERGE (m:Method {id: row.id})
SET m += row.props
RETURN count(m) AS written
