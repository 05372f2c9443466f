-- Stories (clusters of copies) active since a time and relevant enough, with what rule queries are matched against.
-- $1 active since (UTC), $2 relevance threshold
WITH s AS (
    SELECT * FROM digest_stories WHERE last_active >= $1 AND relevance >= $2
)
SELECT s.story_id, s.article_id, s.title, s.url, s.outlets, s.first_seen, s.published_at,
       (SELECT string_agg(coalesce(a.title, '') || E'\n' || a.body, E'\n\n' ORDER BY a.first_seen, a.article_id)
        FROM articles a JOIN digest_story_articles m USING (article_id)
        WHERE m.story_id = s.story_id) AS text,
       (SELECT list(DISTINCT q.speaker) FROM quotes q JOIN digest_story_articles m USING (article_id)
        WHERE m.story_id = s.story_id AND q.speaker IS NOT NULL) AS speakers,
       (SELECT list(DISTINCT e.name) FROM entities e JOIN digest_story_articles m USING (article_id)
        WHERE m.story_id = s.story_id) AS entities,
       (SELECT list(DISTINCT t.topic) FROM topics t JOIN digest_story_articles m USING (article_id)
        WHERE m.story_id = s.story_id) AS topics
FROM s
ORDER BY s.first_seen DESC, s.story_id;
