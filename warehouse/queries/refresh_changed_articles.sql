-- Which articles changed since the last refresh: new ones, removed ones, new revisions, and articles whose facts
-- moved (the dedup pass re-clusters older articles; a revision may change the publication time, status, relevance).
-- A headline or body changes only with a new revision (warehouse/load.py), so text_changed is what the BM25 index
-- re-reads. Cheap at a million articles: the articles are hashed into 4,096 buckets by id, each bucket's state is a
-- bit_xor of its articles' hashes (temp table refresh_buckets, refresh_article_buckets.sql), and only the buckets
-- whose state differs from derived.article_buckets (the state the derived tables reflect) are compared article by
-- article. warehouse.fts stores refresh_buckets as the new derived.article_buckets afterwards.
-- old_published (the publication time the derived rows carry, NULL for a new article) lets the derived tables, which
-- are in publication order, find an article's old rows by zonemap instead of by reading every row's article_id.
CREATE OR REPLACE TEMP TABLE refresh_changed AS
WITH buckets AS (
    SELECT coalesce(n.bucket, o.bucket) AS bucket
    FROM refresh_buckets n FULL JOIN derived.article_buckets o ON o.bucket = n.bucket
    WHERE n.state IS DISTINCT FROM o.state
), s AS (
    SELECT article_id, cluster_key, story_key, outlet, published, relevance, status, revision
    FROM derived.article_facts_source WHERE hash(article_id) % 4096 IN (SELECT bucket FROM buckets)
), f AS (
    SELECT article_id, cluster_key, story_key, outlet, published, relevance, status, revision
    FROM article_facts WHERE hash(article_id) % 4096 IN (SELECT bucket FROM buckets)
)
SELECT coalesce(s.article_id, f.article_id) AS article_id,
       s.article_id IS NULL AS gone,
       f.article_id IS NULL OR s.article_id IS NULL OR s.revision IS DISTINCT FROM f.revision AS text_changed,
       f.published AS old_published
FROM s FULL JOIN f ON f.article_id = s.article_id
WHERE f.article_id IS NULL OR s.article_id IS NULL
   OR s.revision IS DISTINCT FROM f.revision
   OR s.cluster_key <> f.cluster_key OR s.story_key <> f.story_key OR s.outlet IS DISTINCT FROM f.outlet
   OR s.published <> f.published OR s.relevance <> f.relevance OR s.status <> f.status;
