-- The quotes of some articles, strongest first (direct before partial before indirect, longer first).
-- $1 list of article ids
SELECT article_id, text, speaker, kind
FROM quotes
WHERE article_id IN (SELECT unnest($1)) AND speaker IS NOT NULL
ORDER BY article_id, CASE kind WHEN 'direct' THEN 0 WHEN 'partial' THEN 1 ELSE 2 END, length(text) DESC;
