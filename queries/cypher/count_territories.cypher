MATCH (t:Territory)
RETURN t.level AS level, count(t) AS n
ORDER BY level
