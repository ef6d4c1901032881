// The keys under which a batch of actors is known (siren:…, rna:…, gogocarto:…, id:…).
UNWIND $ids AS id
MATCH (al:Alias {actor: id})
RETURN id AS actor, al.key AS key
