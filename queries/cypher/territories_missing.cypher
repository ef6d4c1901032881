// Which of $ids name no Territory yet (an import creates those it links to).
UNWIND $ids AS id
OPTIONAL MATCH (t:Territory {id: id})
WITH id, t
WHERE t IS NULL
RETURN id
