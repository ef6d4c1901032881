// Who changed what, when: one Change node per mutation, written in the mutation's transaction.
CREATE (c:Change {id: $id, at: $now, by: $by, token: $token, operation: $operation,
                  target: $target, detail: $detail})
RETURN c.id AS id
