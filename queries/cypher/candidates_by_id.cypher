// Duplicate candidates already recorded (so that a re-import does not write them again).
UNWIND $ids AS id
MATCH (c:DuplicateCandidate {id: id})
RETURN c.id AS id, c.status AS status, c.actor AS actor, c.payload_hash AS payload_hash
