UNWIND $keys AS key
MATCH (al:Alias {key: key})
RETURN al.key AS key, al.actor AS actor
