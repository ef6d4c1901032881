// The API's audit records (the change log's `edit` entries; older ones have no kind) naming
// $target ($target null: all), newest first.
MATCH (c:Change)
WHERE (c.kind IS NULL OR c.kind = 'edit') AND ($target IS NULL OR c.target = $target)
RETURN properties(c) AS props
ORDER BY c.at DESC, c.id DESC
LIMIT $limit
