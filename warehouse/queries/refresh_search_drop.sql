-- Take the articles of temp table search_dropped (docid, len: indexed articles revised or removed since the last
-- refresh) out of the BM25 index: their postings, their share of each term's document frequency and of the stats.
UPDATE derived.search_terms AS t SET df = t.df - x.n
FROM (SELECT termid, count(*)::INTEGER AS n FROM derived.search_postings
      WHERE docid IN (SELECT docid FROM search_dropped) GROUP BY termid) x
WHERE t.termid = x.termid;
DELETE FROM derived.search_postings WHERE docid IN (SELECT docid FROM search_dropped);
UPDATE derived.search_stats
SET num_docs = num_docs - (SELECT count(*) FROM search_dropped),
    sum_len = sum_len - (SELECT coalesce(sum(len), 0) FROM search_dropped);
DELETE FROM derived.search_docs WHERE docid IN (SELECT docid FROM search_dropped);
