-- search_articles(query [, max_results := 100]): BM25 full-text search over article headlines and bodies.
-- The fts extension builds the index (schema fts_main_articles: tokenizer, Porter stemmer, English stop words,
-- dictionary, statistics); fts_main_articles.postings holds each (word, article) with its BM25 weight, sorted by word
-- (see warehouse/fts.py), so a query reads only its own words' rows: the extension's match_bm25() scans every term
-- of every document and is several times slower at a million articles. Scores equal match_bm25's; higher is better.
-- A client must have run LOAD fts first (the tokenizer uses the extension's stem() function).
-- Every stored article is searchable, copies included (same_text_as names the original).
CREATE OR REPLACE MACRO search_articles(query, max_results := 100) AS TABLE
WITH hits AS (
    SELECT d.termid FROM fts_main_articles.dict d
    WHERE d.term IN (SELECT stem(unnest(fts_main_articles.tokenize(query)), 'porter'))
), best AS (
    SELECT p.docid, sum(p.weight)::DOUBLE AS score
    FROM fts_main_articles.postings p
    WHERE p.termid IN (SELECT termid FROM hits)
    GROUP BY p.docid
    ORDER BY score DESC, p.docid
    LIMIT max_results
)
SELECT a.article_id, a.title, a.outlet, a.published_at, a.canonical_url, b.score, a.relevance, a.status,
       a.same_text_as, a.first_seen
FROM best b
JOIN fts_main_articles.docs doc ON doc.docid = b.docid
JOIN articles a ON a.article_id = doc.name
ORDER BY b.score DESC, a.published_at DESC NULLS LAST, a.article_id;
