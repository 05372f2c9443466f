-- Mark a rule's slot as dealt with for a recipient.
-- $1 rule, $2 recipient, $3 slot (UTC), $4 run time (UTC), $5 message id or NULL
INSERT INTO digest_schedule VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (rule, recipient) DO UPDATE SET
    last_slot = excluded.last_slot, last_run_at = excluded.last_run_at, last_message_id = excluded.last_message_id;
