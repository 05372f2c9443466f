-- The figures of some articles, in article order.
-- $1 list of article ids
SELECT article_id, text, subject, source
FROM figures
WHERE article_id IN (SELECT unnest($1))
ORDER BY article_id, seq;
