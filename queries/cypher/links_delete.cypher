UNWIND $ids AS id
MATCH (:Actor)-[r:__LINK__ {id: id}]->(:Actor)
DELETE r
RETURN count(*) AS deleted
