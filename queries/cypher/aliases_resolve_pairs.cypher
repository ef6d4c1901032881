// Alias keys → actor ids for a whole batch, as one list of [key, actor] pairs:
// one record instead of one per key, which the driver reads much faster.
UNWIND $keys AS key
MATCH (al:Alias {key: key})
RETURN collect([al.key, al.actor]) AS pairs
