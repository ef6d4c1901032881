// Neo4j 5: relationship-property indexes on the link ids used by MERGE, and a full-text index
// for search (Neo4j only; ArcadeDB searches on name_key).
CREATE INDEX link_id_member_of IF NOT EXISTS FOR ()-[r:MEMBER_OF]-() ON (r.id);
CREATE INDEX link_id_cooperates_with IF NOT EXISTS FOR ()-[r:COOPERATES_WITH]-() ON (r.id);
CREATE FULLTEXT INDEX actor_names IF NOT EXISTS FOR (n:Actor) ON EACH [n.name];
