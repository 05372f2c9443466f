-- search_articles(query [, max_results := 100]): BM25 full-text search over article headlines and bodies.
-- The fts extension builds the index (schema fts_main_articles: its tokenizer, Porter stemmer, English stop words,
-- dictionary and statistics); fts_main_articles.postings holds its term occurrences sorted by term, so a query reads
-- only the rows of its own words (the extension's match_bm25() scans every term of every document: about 5x slower
-- at a million articles). Scores are the extension's BM25 (k1 = 1.2, b = 0.75), higher is better.
-- A client must have run LOAD fts first (the tokenizer uses the extension's stem() function).
-- Every stored article is searchable, copies included (same_text_as names the original).
CREATE OR REPLACE MACRO search_articles(query, max_results := 100) AS TABLE
WITH words AS (
    SELECT DISTINCT stem(unnest(fts_main_articles.tokenize(query)), 'porter') AS term
), hits AS (
    SELECT d.termid, d.df FROM fts_main_articles.dict d JOIN words w ON d.term = w.term
), scores AS (
    SELECT p.docid,
           sum(log((st.num_docs - h.df + 0.5) / (h.df + 0.5) + 1)
               * p.tf * 2.2 / (p.tf + 1.2 * (0.25 + 0.75 * doc.len / st.avgdl))) AS score
    FROM fts_main_articles.postings p
    JOIN hits h ON p.termid = h.termid
    JOIN fts_main_articles.docs doc ON doc.docid = p.docid
    CROSS JOIN fts_main_articles.stats st
    WHERE p.termid >= (SELECT min(termid) FROM hits) AND p.termid <= (SELECT max(termid) FROM hits)
    GROUP BY p.docid
), best AS (
    SELECT docid, score FROM scores ORDER BY score DESC, docid LIMIT max_results
)
SELECT a.article_id, a.title, a.outlet, a.published_at, a.canonical_url, b.score, a.relevance, a.status,
       a.same_text_as, a.first_seen
FROM best b
JOIN fts_main_articles.docs doc ON doc.docid = b.docid
JOIN articles a ON a.article_id = doc.name
ORDER BY b.score DESC, a.published_at DESC NULLS LAST, a.article_id;
