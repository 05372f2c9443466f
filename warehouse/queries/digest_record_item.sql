-- Record one item of an accepted message in the send ledger (a re-sent story keeps its first_sent_at).
-- $1 rule, $2 recipient, $3 item key, $4 fingerprint, $5 message id, $6 sent at, $7 item kind,
-- $8 quote keys, $9 figure keys, $10 outlets
INSERT INTO digests_sent (rule, recipient, article_id, fingerprint, message_id, sent_at, item_kind, quote_keys,
                          figure_keys, outlets, sends, first_sent_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $6)
ON CONFLICT (rule, recipient, article_id) DO UPDATE SET
    fingerprint = excluded.fingerprint, message_id = excluded.message_id, sent_at = excluded.sent_at,
    quote_keys = excluded.quote_keys, figure_keys = excluded.figure_keys, outlets = excluded.outlets,
    sends = coalesce(digests_sent.sends, 1) + 1;
