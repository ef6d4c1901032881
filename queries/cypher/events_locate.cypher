// Where an event took place. row: {event, territory}
UNWIND $rows AS row
MATCH (e:Event {id: row.event})
MATCH (t:Territory {id: row.territory})
MERGE (e)-[r:LOCATED_IN]->(t)
RETURN count(r) AS written
