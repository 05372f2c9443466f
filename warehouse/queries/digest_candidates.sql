-- Articles a recipient has not been sent for a rule: one per exact-text group, relevant, newest first.
-- $1 rule name, $2 recipient, $3 relevance threshold, $4 maximum rows
SELECT a.article_id, a.title, a.canonical_url, a.outlet, a.published_at, a.first_seen, a.body,
       list(DISTINCT coalesce(c.outlet, a.outlet)) FILTER (WHERE coalesce(c.outlet, a.outlet) IS NOT NULL) AS outlets
FROM articles a
LEFT JOIN articles c ON c.same_text_as = a.article_id
WHERE a.same_text_as IS NULL
  AND a.relevance >= $3
  AND a.status IN ('full', 'teaser', 'paywalled')
  AND NOT EXISTS (SELECT 1 FROM digests_sent d
                  WHERE d.rule = $1 AND d.recipient = $2 AND d.article_id = a.article_id)
GROUP BY ALL
ORDER BY a.first_seen DESC, a.article_id
LIMIT $4;
