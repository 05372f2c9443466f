-- For spike rules: which stories first seen in a period mention which entity (or carry which topic).
-- $1 'entity' or 'topic', $2 from (UTC), $3 relevance threshold
SELECT DISTINCT m.story_id, n.name, s.first_seen
FROM (SELECT article_id, name FROM entities WHERE $1 = 'entity'
      UNION ALL
      SELECT article_id, topic AS name FROM topics WHERE $1 = 'topic') n
JOIN digest_story_articles m USING (article_id)
JOIN digest_stories s ON s.story_id = m.story_id
WHERE s.first_seen >= $2 AND s.relevance >= $3;
