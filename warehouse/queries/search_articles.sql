-- search_articles(query [, max_results := 100]): BM25 full-text search over article headlines and bodies.
-- The index is newsmon's own (migration 0006, schema derived; kept current after each ingest by warehouse.fts):
-- search_terms (stemmed term, document frequency), search_postings (term, article, term frequency, article length,
-- sorted by term), search_stats (articles, total length). The query's words are tokenised and stemmed as the index
-- was (derived.tokenize, English stop words, Porter stem() from the fts extension) and each article scored with the
-- fts extension's BM25 (k1 = 1.2, b = 0.75): the same scores its match_bm25() gives, computed here from only the
-- query's terms' postings. Higher is better.
-- A client must have run LOAD fts first (stem() is the extension's function).
-- Every stored article is searchable, copies included (same_text_as names the original).
CREATE OR REPLACE MACRO search_articles(query, max_results := 100) AS TABLE
WITH stats AS (
    SELECT num_docs::DOUBLE AS n, 1.2e0 * 0.75e0 / greatest(sum_len::DOUBLE / greatest(num_docs, 1), 1e-9) AS per_len
    FROM derived.search_stats
), hits AS (  -- each query term's BM25 idf as the extension computes it (log is base 10 in DuckDB)
    SELECT t.termid, log10((s.n - t.df + 0.5e0) / (t.df + 0.5e0) + 1e0) * 2.2e0 AS idf, s.per_len
    FROM derived.search_terms t, stats s
    WHERE t.term IN (SELECT stem(unnest(derived.tokenize(query)), 'porter'))
), best AS (  -- k1 = 1.2, b = 0.75: idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len / avgdl))
    SELECT p.docid, sum(h.idf * p.tf / (p.tf + 0.3e0 + h.per_len * p.len)) AS score
    FROM derived.search_postings p
    JOIN hits h ON h.termid = p.termid
    GROUP BY p.docid
    ORDER BY score DESC, p.docid
    LIMIT max_results
)
SELECT a.article_id, a.title, a.outlet, a.published_at, a.canonical_url, b.score, a.relevance, a.status,
       a.same_text_as, a.first_seen
FROM best b
JOIN derived.search_docs d ON d.docid = b.docid
JOIN articles a ON a.article_id = d.article_id
ORDER BY b.score DESC, a.published_at DESC NULLS LAST, a.article_id;
