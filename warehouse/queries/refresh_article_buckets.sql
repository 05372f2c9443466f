-- The articles' current state in 4,096 buckets by hashed id: each bucket's state is the bit_xor of its articles'
-- hashed facts (the columns refresh_changed_articles.sql compares), so any change to one article changes its bucket.
-- Kept as derived.article_buckets after each refresh: the state the derived tables reflect.
CREATE OR REPLACE TEMP TABLE refresh_buckets AS
SELECT hash(article_id) % 4096 AS bucket,
       bit_xor(hash(article_id, revision, cluster_key, story_key, outlet, published, relevance, status)) AS state
FROM derived.article_facts_source
GROUP BY ALL;
