-- Core views, re-created on every migrate. Later files build on these.

CREATE OR REPLACE VIEW articles_current AS
SELECT a.*
FROM articles a
WHERE a.status IN ('full', 'teaser', 'paywalled');

CREATE OR REPLACE VIEW revisions AS
SELECT r.article_id, a.canonical_url, r.revision, r.fetched_at, r.title,
       r.diff->>'$.title.before' AS title_before,
       r.diff->'$.quotes_added' AS quotes_added, r.diff->'$.quotes_removed' AS quotes_removed,
       r.diff->'$.figures_added' AS figures_added, r.diff->'$.figures_removed' AS figures_removed
FROM article_revisions r
JOIN articles a USING (article_id);
