// Tests only: empty the database.
MATCH (n) DETACH DELETE n
