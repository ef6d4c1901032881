// What the graph holds, by label (one row per label of interest).
UNWIND ['Actor', 'Network', 'Organisation', 'Project', 'AdvocacyBody', 'Territory', 'Theme', 'Method', 'Event', 'ImportRun', 'DuplicateCandidate'] AS label
CALL (label) {
  MATCH (n) WHERE label IN labels(n)
  RETURN count(n) AS n
}
RETURN label, n
