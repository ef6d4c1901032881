// The actors an edit creates, of one kind ($ids), created outright before actors_upsert sets
// their properties: when another transaction created the same id meanwhile, the unique
// constraint on Actor.id refuses this one (DuplicateError, the caller resolves again), where
// actors_upsert alone would quietly update it and both edits would say they created it.
UNWIND $ids AS id
CREATE (:Actor:__KIND__ {id: id, created_at: $now, created_run: $run})
