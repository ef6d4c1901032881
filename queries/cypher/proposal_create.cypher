// A proposal (api/proposals.py): a new actor, an edit or a link someone proposed, kept apart
// from the actors and links (the projection never sees it) until an editor confirms it.
CREATE (p:Proposal {id: $id})
SET p += $props
RETURN p.id AS id
