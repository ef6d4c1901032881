// The latest changes made through the API ($target null: all), newest first.
MATCH (c:Change)
WHERE $target IS NULL OR c.target = $target
RETURN properties(c) AS props
ORDER BY c.at DESC, c.id DESC
LIMIT $limit
