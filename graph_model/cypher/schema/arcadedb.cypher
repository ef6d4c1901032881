// ArcadeDB: nothing beyond common.cypher. Full-text indexes are not reachable from Cypher
// there, so search folds names into `name_key` (indexed above) and ranks in Python.
