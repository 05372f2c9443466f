-- Digest views: story clusters (one item per story, not per copy) and the send ledger in readable form.
-- A story is articles.cluster_id when that column exists (near-duplicate clustering), else the exact-text group
-- coalesce(same_text_as, article_id). The UNION ALL BY NAME adds a NULL cluster_id only when articles lacks one.
-- Copies with the same text always share the story of their earliest copy, whatever cluster they were given.

CREATE OR REPLACE VIEW digest_story_articles AS
WITH a AS (
    FROM articles
    UNION ALL BY NAME
    SELECT NULL::VARCHAR AS cluster_id WHERE false
), keyed AS (
    SELECT *, coalesce(CAST(cluster_id AS VARCHAR), same_text_as, article_id) AS own_key FROM a
)
SELECT first_value(own_key) OVER (PARTITION BY body_hash ORDER BY first_seen, article_id) AS story_id,
       article_id, title, canonical_url, outlet, status, relevance, published_at, first_seen, last_seen
FROM keyed
WHERE status IN ('full', 'teaser', 'paywalled');

CREATE OR REPLACE VIEW digest_stories AS
SELECT story_id,
       arg_min(article_id, (CASE status WHEN 'full' THEN 0 ELSE 1 END, first_seen, article_id)) AS article_id,
       arg_min(title, (CASE status WHEN 'full' THEN 0 ELSE 1 END, first_seen, article_id)) AS title,
       arg_min(canonical_url, (CASE status WHEN 'full' THEN 0 ELSE 1 END, first_seen, article_id)) AS url,
       list(DISTINCT outlet ORDER BY outlet) FILTER (WHERE outlet IS NOT NULL) AS outlets,
       count(*) AS copies,
       max(relevance) AS relevance,
       min(published_at) AS published_at,
       min(first_seen) AS first_seen,
       max(greatest(first_seen, last_seen)) AS last_active
FROM digest_story_articles
GROUP BY story_id;

CREATE OR REPLACE VIEW digest_ledger AS
SELECT d.rule, d.recipient, d.item_kind, d.article_id AS item, s.title, d.sends, d.first_sent_at, d.sent_at,
       len(d.quote_keys) AS quotes, len(d.figure_keys) AS figures, d.outlets, d.message_id, m.subject
FROM digests_sent d
LEFT JOIN digest_stories s ON s.story_id = d.article_id
LEFT JOIN digest_messages m ON m.message_id = d.message_id;
