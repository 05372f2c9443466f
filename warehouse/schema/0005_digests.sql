-- 0005: digests. The send ledger remembers what each item contained when it was sent (quotes, figures, outlets)
-- so a story is only sent again when it gained something; every accepted message is kept; each rule's schedule
-- remembers the last slot it was sent for, so a failed send stays due and is retried by the next run.

ALTER TABLE digests_sent ADD COLUMN item_kind VARCHAR DEFAULT 'story';
ALTER TABLE digests_sent ADD COLUMN quote_keys VARCHAR[] DEFAULT [];
ALTER TABLE digests_sent ADD COLUMN figure_keys VARCHAR[] DEFAULT [];
ALTER TABLE digests_sent ADD COLUMN outlets VARCHAR[] DEFAULT [];
ALTER TABLE digests_sent ADD COLUMN sends INTEGER DEFAULT 1;
ALTER TABLE digests_sent ADD COLUMN first_sent_at TIMESTAMPTZ;
COMMENT ON COLUMN digests_sent.article_id IS 'The item sent: a story key (the cluster id, or for clusterless copies the article_id of the earliest copy); for spike items spike:<entity|topic>:<name>:<local date>.';
COMMENT ON COLUMN digests_sent.fingerprint IS 'Hash of quote_keys, figure_keys and outlets as last sent.';
COMMENT ON COLUMN digests_sent.message_id IS 'Message-ID of the last email that carried the item.';
COMMENT ON COLUMN digests_sent.sent_at IS 'When the last email carrying the item was accepted by the SMTP server or written to the outbox (UTC).';
COMMENT ON COLUMN digests_sent.item_kind IS 'story (a story cluster matched by a query) or spike (an entity or topic above its trailing mean).';
COMMENT ON COLUMN digests_sent.quote_keys IS 'Keys (hash of speaker and normalised text) of every quote of the story when it was last sent: a quote not in here is new.';
COMMENT ON COLUMN digests_sent.figure_keys IS 'Keys (hash of value and unit) of every figure of the story when it was last sent: a figure not in here is new.';
COMMENT ON COLUMN digests_sent.outlets IS 'Outlets that had run the story when it was last sent: an outlet not in here is new.';
COMMENT ON COLUMN digests_sent.sends IS 'How many emails have carried the item (1, then +1 for each update sent).';
COMMENT ON COLUMN digests_sent.first_sent_at IS 'When the item was first sent (UTC).';

CREATE TABLE digest_messages (
    message_id   VARCHAR PRIMARY KEY,
    recipient    VARCHAR NOT NULL,
    subject      VARCHAR NOT NULL,
    rules        VARCHAR[] NOT NULL,
    new_items    INTEGER NOT NULL,
    updated_items INTEGER NOT NULL,
    spike_items  INTEGER NOT NULL,
    delivered_to VARCHAR NOT NULL,
    sent_at      TIMESTAMPTZ NOT NULL,
    run_id       VARCHAR
);
COMMENT ON TABLE digest_messages IS 'Every digest email accepted by the SMTP server (or written to the outbox), one row each; rows are never updated.';
COMMENT ON COLUMN digest_messages.message_id IS 'Message-ID header; derived from the recipient and the items, so a re-send of the very same content carries the same id.';
COMMENT ON COLUMN digest_messages.recipient IS 'Email address.';
COMMENT ON COLUMN digest_messages.subject IS 'Subject line as sent.';
COMMENT ON COLUMN digest_messages.rules IS 'The digest rules that contributed items.';
COMMENT ON COLUMN digest_messages.new_items IS 'Stories sent for the first time.';
COMMENT ON COLUMN digest_messages.updated_items IS 'Stories sent again because they gained a quote, figure or outlet.';
COMMENT ON COLUMN digest_messages.spike_items IS 'Spike items (entity or topic above its trailing 7-day mean).';
COMMENT ON COLUMN digest_messages.delivered_to IS 'smtp://host:port, or the path of the .eml file in the outbox.';
COMMENT ON COLUMN digest_messages.sent_at IS 'When the message was accepted (UTC).';
COMMENT ON COLUMN digest_messages.run_id IS 'The digest run (runs.run_id).';

CREATE TABLE digest_schedule (
    rule        VARCHAR NOT NULL,
    recipient   VARCHAR NOT NULL,
    last_slot   TIMESTAMPTZ NOT NULL,
    last_run_at TIMESTAMPTZ NOT NULL,
    last_message_id VARCHAR,
    PRIMARY KEY (rule, recipient)
);
COMMENT ON TABLE digest_schedule IS 'Per rule and recipient, the last schedule slot that was dealt with (sent, or found nothing new); a rule is due when its latest slot is later.';
COMMENT ON COLUMN digest_schedule.rule IS 'Digest rule name from newsmon.toml.';
COMMENT ON COLUMN digest_schedule.recipient IS 'Email address.';
COMMENT ON COLUMN digest_schedule.last_slot IS 'The slot (UTC) last dealt with: the top of the hour (hourly), the day''s or week''s send time (daily, weekly), the run time (immediate).';
COMMENT ON COLUMN digest_schedule.last_run_at IS 'When the digest run that dealt with it ran (UTC).';
COMMENT ON COLUMN digest_schedule.last_message_id IS 'Message-ID of the email sent for that slot; NULL when there was nothing new.';
