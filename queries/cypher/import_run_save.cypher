// An import run: created when it starts, its counts and status set when it ends.
MERGE (r:ImportRun {id: $id})
SET r += $props
RETURN r.id AS id
