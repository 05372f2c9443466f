-- The attributed quotes of some stories, every copy's, with the outlet that ran each; ranked in Python.
-- $1 list of story ids
SELECT m.story_id, q.speaker, q.text, q.kind, m.outlet, m.first_seen
FROM quotes q
JOIN digest_story_articles m USING (article_id)
WHERE m.story_id IN (SELECT unnest($1)) AND q.speaker IS NOT NULL
ORDER BY m.story_id, m.first_seen, q.article_id, q.seq;
