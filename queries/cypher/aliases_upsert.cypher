// Aliases are keys under which an actor is known (siren:…, rna:…, gogocarto:…, id:…).
// An alias names one actor; after a merge it is repointed to the surviving actor.
UNWIND $rows AS row
MERGE (al:Alias {key: row.key})
SET al.actor = row.actor
RETURN count(al) AS written
