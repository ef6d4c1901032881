// These actors with what the analytics projection keeps of them (projection_actors' columns):
// the projection's deltas read again the actors the change log names.
UNWIND $ids AS id
MATCH (a:Actor {id: id})
RETURN a.id AS id, a.kind AS kind, a.name AS name, a.legal_form AS legal_form, a.level AS level,
       a.commune AS commune, a.departement AS departement, a.region AS region, a.epci AS epci,
       a.latitude AS latitude, a.longitude AS longitude,
       a.location_precision AS location_precision, a.themes AS themes, a.methods AS methods
