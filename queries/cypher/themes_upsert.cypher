// Theme nodes (MES axes, ESSGlobal activities, map categories). row: {id, props}
UNWIND $rows AS row
MERGE (t:Theme {id: row.id})
SET t += row.props
RETURN count(t) AS written
