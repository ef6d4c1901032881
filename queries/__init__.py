"""What we ask of the graph: the store adapter, the Cypher catalogue, the repository, and the
analytics over an in-memory projection."""
