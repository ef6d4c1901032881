"""What we ask of the graph: the store port's adapters (:mod:`queries.store`: Bolt for ArcadeDB
and Neo4j with the Cypher catalogue, and in memory), the in-memory projection
(:mod:`queries.projection`), the analytics over it (:mod:`queries.analytics`) and what is kept
on disk besides the graph (:mod:`queries.snapshots`)."""
