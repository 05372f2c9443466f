-- Add the articles of temp table search_input (article_id) to the BM25 index, as the fts extension's
-- PRAGMA create_fts_index('articles', 'article_id', 'title', 'body', stemmer = 'porter', stopwords = 'english',
-- strip_accents = 1, lower = 1) would index them: headline and body tokenised by derived.tokenize(), English stop
-- words left out, the rest Porter-stemmed (the extension's stem(): LOAD fts first); a document's length counts every
-- term it keeps. New terms get the next term ids; postings are appended sorted by term (a full rebuild, which starts
-- from empty tables, therefore leaves the whole postings table sorted by term).
CREATE OR REPLACE TEMP TABLE search_add_docs AS
SELECT ((SELECT coalesce(max(docid), -1) FROM derived.search_docs) + row_number() OVER (ORDER BY article_id))::INTEGER
           AS docid,
       article_id
FROM search_input;

-- Words split with accents kept, each distinct word folded after (warehouse/views/25_derived.sql says why); a word
-- may fold to none, or, rarely, to two (a character that decomposes to punctuation).
CREATE OR REPLACE TEMP TABLE search_add_words AS
WITH tokens AS (
    SELECT d.docid, unnest(list_concat(coalesce(derived.split_words(a.title), []::VARCHAR[]),
                                       coalesce(derived.split_words(a.body), []::VARCHAR[]))) AS w
    FROM articles a JOIN search_add_docs d USING (article_id)
)
SELECT docid, w, count(*)::INTEGER AS n FROM tokens WHERE len(w) > 0 GROUP BY ALL;

CREATE OR REPLACE TEMP TABLE search_add_postings AS
WITH folded AS (
    SELECT w, unnest(derived.tokenize(w)) AS f FROM (SELECT DISTINCT w FROM search_add_words)
),
stems AS (
    SELECT w, stem(f, 'porter') AS term
    FROM folded
    WHERE len(f) > 0 AND f NOT IN (SELECT word FROM derived.search_stopwords)
)
SELECT x.docid, s.term, sum(x.n)::INTEGER AS tf
FROM search_add_words x JOIN stems s USING (w)
GROUP BY ALL;

CREATE OR REPLACE TEMP TABLE search_add_len AS
SELECT d.docid, d.article_id, a.revision, coalesce(l.len, 0)::INTEGER AS len
FROM search_add_docs d
JOIN articles a USING (article_id)
LEFT JOIN (SELECT docid, sum(tf) AS len FROM search_add_postings GROUP BY docid) l USING (docid);

CREATE OR REPLACE TEMP TABLE search_add_df AS
SELECT term, count(*)::INTEGER AS n FROM search_add_postings GROUP BY term;

UPDATE derived.search_terms AS t SET df = t.df + x.n FROM search_add_df x WHERE t.term = x.term;

INSERT INTO derived.search_terms
SELECT ((SELECT coalesce(max(termid), -1) FROM derived.search_terms) + row_number() OVER (ORDER BY x.term))::INTEGER,
       x.term, x.n
FROM search_add_df x
WHERE x.term NOT IN (SELECT term FROM derived.search_terms);

INSERT INTO derived.search_docs SELECT docid, article_id, revision, len FROM search_add_len;

INSERT INTO derived.search_postings
SELECT t.termid, p.docid, p.tf, l.len
FROM search_add_postings p
JOIN derived.search_terms t USING (term)
JOIN search_add_len l USING (docid)
ORDER BY t.termid, p.docid;

UPDATE derived.search_stats
SET num_docs = num_docs + (SELECT count(*) FROM search_add_len),
    sum_len = sum_len + (SELECT coalesce(sum(len), 0) FROM search_add_len);

DROP TABLE search_add_docs;
DROP TABLE search_add_words;
DROP TABLE search_add_postings;
DROP TABLE search_add_len;
DROP TABLE search_add_df;
