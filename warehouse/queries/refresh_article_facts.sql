-- Re-derive article_facts from articles: London day/week/month, cluster and story keys, and the trend filter.
-- Run after each ingest (warehouse.fts.refresh_search_index), inside one transaction; rows in time order so that a
-- filter on day, week or month reads only the matching row groups.
-- cluster_key is articles.cluster_id (near-copy clusters, migration 0002) when that column exists, else the exact-text
-- group; story_key likewise articles.story_id, else cluster_key. The UNION ALL BY NAME adds NULL columns only when
-- articles lacks them.
DELETE FROM article_facts;
INSERT INTO article_facts
WITH a AS (
    FROM articles
    UNION ALL BY NAME
    SELECT NULL::VARCHAR AS cluster_id, NULL::VARCHAR AS story_id WHERE false
)
SELECT a.article_id,
       coalesce(CAST(a.cluster_id AS VARCHAR), a.same_text_as, a.article_id) AS cluster_key,
       coalesce(CAST(a.story_id AS VARCHAR), CAST(a.cluster_id AS VARCHAR), a.same_text_as, a.article_id) AS story_key,
       a.title,
       a.outlet,
       a.canonical_url,
       coalesce(a.published_at, a.first_seen) AS published,
       timezone('Europe/London', coalesce(a.published_at, a.first_seen))::DATE AS day,
       date_trunc('week', timezone('Europe/London', coalesce(a.published_at, a.first_seen)))::DATE AS week,
       date_trunc('month', timezone('Europe/London', coalesce(a.published_at, a.first_seen)))::DATE AS month,
       a.first_seen,
       a.relevance,
       a.status,
       a.relevance >= relevance_threshold() AND a.status = 'full' AS counted
FROM a
ORDER BY published, article_id;
