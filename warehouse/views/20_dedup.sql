-- 20: deduplication views, re-created on every migrate. docs/dedup.md explains the levels.
-- Count clusters (articles_unique) to count texts once; count stories to count events once. `revisions` is in 10.

CREATE OR REPLACE VIEW clusters AS
SELECT coalesce(a.cluster_id, a.article_id) AS cluster_id,
       count(*) AS size,
       count(DISTINCT a.outlet) AS n_outlets,
       list(DISTINCT a.outlet ORDER BY a.outlet) FILTER (WHERE a.outlet IS NOT NULL) AS outlets,
       min(a.first_seen) AS first_seen,
       max(a.last_seen) AS last_seen,
       min(a.similarity) FILTER (WHERE a.copy_of IS NOT NULL) AS min_similarity,
       count(*) FILTER (WHERE (a.copy_diff->>'$.title.copy') IS NOT NULL) AS retitled,
       arg_min(a.title, a.first_seen) AS title,
       arg_min(a.canonical_url, a.first_seen) AS canonical_url,
       arg_min(coalesce(a.story_id, a.article_id), a.first_seen) AS story_id
FROM articles a
GROUP BY ALL;
COMMENT ON VIEW clusters IS 'One row per near-copy cluster (a text and its syndicated or lightly edited copies): size, outlets, first and last seen.';
COMMENT ON COLUMN clusters.cluster_id IS 'The cluster: article_id of its canonical copy (earliest first_seen).';
COMMENT ON COLUMN clusters.size IS 'Stored copies, the canonical one included.';
COMMENT ON COLUMN clusters.n_outlets IS 'Distinct outlets carrying the text.';
COMMENT ON COLUMN clusters.outlets IS 'The outlets carrying the text, sorted.';
COMMENT ON COLUMN clusters.first_seen IS 'When newsmon first stored a copy (UTC).';
COMMENT ON COLUMN clusters.last_seen IS 'When newsmon last fetched or saw a copy (UTC).';
COMMENT ON COLUMN clusters.min_similarity IS 'Lowest estimated Jaccard similarity of a copy with the canonical copy; NULL for a single copy.';
COMMENT ON COLUMN clusters.retitled IS 'Copies published under another headline.';
COMMENT ON COLUMN clusters.title IS 'Headline of the canonical copy.';
COMMENT ON COLUMN clusters.canonical_url IS 'URL of the canonical copy.';
COMMENT ON COLUMN clusters.story_id IS 'The story the text belongs to.';

CREATE OR REPLACE VIEW articles_unique AS
SELECT a.*, c.size AS copies, c.n_outlets, c.outlets, c.last_seen AS cluster_last_seen
FROM articles a
JOIN clusters c ON c.cluster_id = a.article_id
WHERE coalesce(a.cluster_id, a.article_id) = a.article_id;
COMMENT ON VIEW articles_unique IS 'One row per near-copy cluster: its canonical copy (earliest first_seen), with how many copies and which outlets carried it.';
COMMENT ON COLUMN articles_unique.copies IS 'Stored copies of this text, itself included.';
COMMENT ON COLUMN articles_unique.n_outlets IS 'Distinct outlets carrying the text.';
COMMENT ON COLUMN articles_unique.outlets IS 'The outlets carrying the text.';
COMMENT ON COLUMN articles_unique.cluster_last_seen IS 'When newsmon last saw any copy (UTC).';

CREATE OR REPLACE VIEW stories AS
SELECT coalesce(a.story_id, a.article_id) AS story_id,
       count(*) AS articles,
       count(DISTINCT coalesce(a.cluster_id, a.article_id)) AS texts,
       count(DISTINCT a.outlet) AS n_outlets,
       list(DISTINCT a.outlet ORDER BY a.outlet) FILTER (WHERE a.outlet IS NOT NULL) AS outlets,
       min(coalesce(a.published_at, a.first_seen)) AS first_published,
       max(coalesce(a.published_at, a.first_seen)) AS last_published,
       min(a.first_seen) AS first_seen,
       max(a.last_seen) AS last_seen,
       arg_min(a.title, a.first_seen) AS title,
       list(DISTINCT a.title ORDER BY a.title) FILTER (WHERE a.title IS NOT NULL) AS titles
FROM articles a
GROUP BY ALL;
COMMENT ON VIEW stories IS 'One row per story: one event told by one or more outlets, in copies or in their own words.';
COMMENT ON COLUMN stories.story_id IS 'The story: article_id of its first article.';
COMMENT ON COLUMN stories.articles IS 'Stored articles telling it, copies included.';
COMMENT ON COLUMN stories.texts IS 'Distinct texts (near-copy clusters) telling it: rewrites count, copies do not.';
COMMENT ON COLUMN stories.n_outlets IS 'Distinct outlets covering it.';
COMMENT ON COLUMN stories.outlets IS 'The outlets covering it, sorted.';
COMMENT ON COLUMN stories.first_published IS 'Earliest publication (or first-seen) time (UTC).';
COMMENT ON COLUMN stories.last_published IS 'Latest publication (or first-seen) time (UTC).';
COMMENT ON COLUMN stories.first_seen IS 'When newsmon first stored an article of it (UTC).';
COMMENT ON COLUMN stories.last_seen IS 'When newsmon last saw an article of it (UTC).';
COMMENT ON COLUMN stories.title IS 'Headline of its first article.';
COMMENT ON COLUMN stories.titles IS 'Every headline it was told under.';
