-- What a recipient was already sent for a rule: one row per item, with the parts it had then.
-- $1 rule name, $2 recipient
SELECT article_id, item_kind, coalesce(quote_keys, []), coalesce(figure_keys, []), coalesce(outlets, []), sends
FROM digests_sent
WHERE rule = $1 AND recipient = $2;
