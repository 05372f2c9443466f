-- Record one accepted digest email.
-- $1 message id, $2 recipient, $3 subject, $4 rules, $5 new, $6 updated, $7 spikes, $8 delivered to, $9 sent at,
-- $10 run id
INSERT INTO digest_messages VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
ON CONFLICT (message_id) DO NOTHING;
