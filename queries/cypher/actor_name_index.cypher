// What the in-memory name index of identity resolution needs of every actor (read once a run).
MATCH (a:Actor)
RETURN a.id AS id, a.kind AS kind, a.name AS name, a.commune AS commune,
       a.departement AS departement, a.siren AS siren, a.rna AS rna, a.website AS website,
       a.email AS email, a.phone AS phone, a.siret AS siret, a.latitude AS latitude,
       a.longitude AS longitude, a.location_precision AS location_precision
