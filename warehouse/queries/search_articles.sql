-- search_articles(query [, max_results := 100]): BM25 full-text search over article headlines and bodies.
-- Built on the fts extension's index (schema fts_main_articles, rebuilt after each ingest). A client must have
-- run LOAD fts first (the index's tokenizer uses the extension's stem() function).
-- Every stored article is searchable, copies included (same_text_as names the original); score is BM25, higher is better.
CREATE OR REPLACE MACRO search_articles(query, max_results := 100) AS TABLE
SELECT a.article_id, a.title, a.outlet, a.published_at, a.canonical_url, s.score, a.relevance, a.status,
       a.same_text_as, a.first_seen
FROM (SELECT article_id, fts_main_articles.match_bm25(article_id, query) AS score FROM articles) s
JOIN articles a USING (article_id)
WHERE s.score IS NOT NULL
ORDER BY s.score DESC, a.published_at DESC NULLS LAST, a.article_id
LIMIT max_results;
