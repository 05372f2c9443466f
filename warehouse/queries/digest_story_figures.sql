-- The figures of some stories, every copy's, with their sources and the outlet that ran each.
-- $1 list of story ids
SELECT m.story_id, f.value, f.unit, f.text, f.subject, f.source, m.outlet, m.first_seen
FROM figures f
JOIN digest_story_articles m USING (article_id)
WHERE m.story_id IN (SELECT unnest($1))
ORDER BY m.story_id, m.first_seen, f.article_id, f.seq;
