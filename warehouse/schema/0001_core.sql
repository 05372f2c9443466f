-- 0001: the core tables of the walking skeleton. Append-only: later changes go in new files.
-- Tables keyed by article_id (article_urls, article_revisions, quotes, figures, entities, topics, digests_sent)
-- reference articles(article_id) without a declared FOREIGN KEY: DuckDB 1.5 refuses to UPDATE list columns of a
-- referenced row (authors, relevance_evidence change on a revision). The loader keeps them consistent in one
-- transaction per batch, and tests check there are no orphans.

CREATE TABLE feeds (
    feed_id              VARCHAR PRIMARY KEY,
    url                  VARCHAR NOT NULL UNIQUE,
    name                 VARCHAR,
    outlet               VARCHAR,
    kind                 VARCHAR NOT NULL DEFAULT 'live',
    enabled              BOOLEAN NOT NULL DEFAULT TRUE,
    etag                 VARCHAR,
    last_modified        VARCHAR,
    content_hash         VARCHAR,
    last_polled_at       TIMESTAMPTZ,
    last_status          INTEGER,
    last_error           VARCHAR,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    next_poll_at         TIMESTAMPTZ,
    disabled_reason      VARCHAR
);
COMMENT ON TABLE feeds IS 'Every feed newsmon polls, with its HTTP cache validators and health.';
COMMENT ON COLUMN feeds.feed_id IS 'Stable id derived from the feed URL.';
COMMENT ON COLUMN feeds.url IS 'The feed URL as configured.';
COMMENT ON COLUMN feeds.name IS 'Human name of the feed from the config.';
COMMENT ON COLUMN feeds.outlet IS 'The outlet publishing the feed.';
COMMENT ON COLUMN feeds.kind IS 'live (a real public feed) or demo (the bundled corpus).';
COMMENT ON COLUMN feeds.enabled IS 'FALSE when disabled by hand or after repeated failures.';
COMMENT ON COLUMN feeds.etag IS 'ETag of the last 200 response, sent back as If-None-Match.';
COMMENT ON COLUMN feeds.last_modified IS 'Last-Modified of the last 200 response, sent back as If-Modified-Since.';
COMMENT ON COLUMN feeds.content_hash IS 'sha256 of the last feed body: detects unchanged feeds that lie about ETags.';
COMMENT ON COLUMN feeds.last_polled_at IS 'When the feed was last requested (UTC).';
COMMENT ON COLUMN feeds.last_status IS 'HTTP status of the last poll (NULL when the request failed before a response).';
COMMENT ON COLUMN feeds.last_error IS 'One-line reason of the last failure, NULL after a success.';
COMMENT ON COLUMN feeds.consecutive_failures IS 'Failures in a row; reset to 0 by a success.';
COMMENT ON COLUMN feeds.next_poll_at IS 'Earliest time the feed should be polled again (backoff, Retry-After).';
COMMENT ON COLUMN feeds.disabled_reason IS 'Why the feed was disabled, when it is.';

CREATE TABLE runs (
    run_id        VARCHAR PRIMARY KEY,
    flow          VARCHAR NOT NULL,
    started_at    TIMESTAMPTZ NOT NULL,
    finished_at   TIMESTAMPTZ,
    status        VARCHAR NOT NULL,
    feeds_polled  INTEGER NOT NULL DEFAULT 0,
    feeds_failed  INTEGER NOT NULL DEFAULT 0,
    fetched       INTEGER NOT NULL DEFAULT 0,
    new           INTEGER NOT NULL DEFAULT 0,
    duplicate     INTEGER NOT NULL DEFAULT 0,
    updated       INTEGER NOT NULL DEFAULT 0,
    rejected      INTEGER NOT NULL DEFAULT 0,
    summary       VARCHAR
);
COMMENT ON TABLE runs IS 'One row per flow run (ingest or digest) with its counts.';
COMMENT ON COLUMN runs.run_id IS 'Prefect flow-run id when run under Prefect, else a random UUID.';
COMMENT ON COLUMN runs.flow IS 'Flow name: ingest or digest.';
COMMENT ON COLUMN runs.started_at IS 'Run start (UTC).';
COMMENT ON COLUMN runs.finished_at IS 'Run end (UTC); NULL while running or if the process died.';
COMMENT ON COLUMN runs.status IS 'running, completed or failed.';
COMMENT ON COLUMN runs.feeds_polled IS 'Feeds requested in this run.';
COMMENT ON COLUMN runs.feeds_failed IS 'Feeds whose poll failed (HTTP error, timeout, unusable XML).';
COMMENT ON COLUMN runs.fetched IS 'Article pages downloaded.';
COMMENT ON COLUMN runs.new IS 'Articles stored for the first time.';
COMMENT ON COLUMN runs.duplicate IS 'Pages that were an already-stored article (same canonical URL, same text).';
COMMENT ON COLUMN runs.updated IS 'Stored articles whose text changed: a new revision.';
COMMENT ON COLUMN runs.rejected IS 'Pages refused (HTTP error, not HTML, unparsable): see rejects.';
COMMENT ON COLUMN runs.summary IS 'The one-line summary printed at the end of the run.';

CREATE TABLE articles (
    article_id          VARCHAR PRIMARY KEY,
    canonical_url       VARCHAR NOT NULL UNIQUE,
    url                 VARCHAR NOT NULL,
    title               VARCHAR,
    authors             VARCHAR[] NOT NULL,
    published_at        TIMESTAMPTZ,
    published_at_source VARCHAR NOT NULL,
    language            VARCHAR,
    outlet              VARCHAR,
    status              VARCHAR NOT NULL,
    status_reason       VARCHAR,
    body                VARCHAR NOT NULL,
    body_hash           VARCHAR NOT NULL,
    relevance           DOUBLE NOT NULL,
    relevance_evidence  VARCHAR[] NOT NULL,
    feed_id             VARCHAR REFERENCES feeds (feed_id),
    first_seen          TIMESTAMPTZ NOT NULL,
    last_seen           TIMESTAMPTZ NOT NULL,
    revision            INTEGER NOT NULL DEFAULT 1,
    same_text_as        VARCHAR,
    run_id              VARCHAR REFERENCES runs (run_id)
);
COMMENT ON TABLE articles IS 'One row per article (per canonical URL), its current revision. Copies are kept and linked, never deleted.';
COMMENT ON COLUMN articles.article_id IS 'Stable id: hash of the canonical URL without scheme.';
COMMENT ON COLUMN articles.canonical_url IS 'Identity URL: lower-case host without www./m./amp., no tracking parameters, fragments or /amp.';
COMMENT ON COLUMN articles.url IS 'The URL the page was first fetched from (as linked by the feed).';
COMMENT ON COLUMN articles.title IS 'Headline of the current revision.';
COMMENT ON COLUMN articles.authors IS 'Bylined people (never the outlet).';
COMMENT ON COLUMN articles.published_at IS 'Publication time (UTC); NULL when no trustworthy date was found.';
COMMENT ON COLUMN articles.published_at_source IS 'Where published_at came from: jsonld, meta, time-tag, feed, url, text or none.';
COMMENT ON COLUMN articles.language IS 'ISO 639-1 language code of the page.';
COMMENT ON COLUMN articles.outlet IS 'Publishing outlet (og:site_name, JSON-LD publisher or the feed config).';
COMMENT ON COLUMN articles.status IS 'full, teaser, paywalled, blocked or empty: leave partial texts out of counts.';
COMMENT ON COLUMN articles.status_reason IS 'Why the status is not full.';
COMMENT ON COLUMN articles.body IS 'Clean article text, paragraphs separated by blank lines.';
COMMENT ON COLUMN articles.body_hash IS 'sha256 of the normalised body (case, whitespace, quotes, dashes folded).';
COMMENT ON COLUMN articles.relevance IS 'Immigration relevance 0..1; trend views leave out articles below the configured threshold.';
COMMENT ON COLUMN articles.relevance_evidence IS 'Phrases that made the article relevant.';
COMMENT ON COLUMN articles.feed_id IS 'The feed that first linked the article.';
COMMENT ON COLUMN articles.first_seen IS 'When newsmon first stored the article (UTC).';
COMMENT ON COLUMN articles.last_seen IS 'When newsmon last fetched or saw the article (UTC).';
COMMENT ON COLUMN articles.revision IS 'Current revision number; earlier ones are in article_revisions.';
COMMENT ON COLUMN articles.same_text_as IS 'article_id of the earliest stored article with the same normalised text, if another.';
COMMENT ON COLUMN articles.run_id IS 'The run that stored the current revision.';

CREATE TABLE article_urls (
    url        VARCHAR PRIMARY KEY,
    article_id VARCHAR NOT NULL,
    first_seen TIMESTAMPTZ NOT NULL,
    entry_sig  VARCHAR
);
COMMENT ON TABLE article_urls IS 'Every URL variant (feed link, AMP, mobile, tracking) seen for an article.';
COMMENT ON COLUMN article_urls.url IS 'A URL as linked by a feed.';
COMMENT ON COLUMN article_urls.article_id IS 'The article it resolved to.';
COMMENT ON COLUMN article_urls.first_seen IS 'When the URL was first seen (UTC).';
COMMENT ON COLUMN article_urls.entry_sig IS 'Hash of the feed entry (title, dates) last seen for this URL: a change makes newsmon fetch the page again.';

CREATE TABLE article_revisions (
    article_id  VARCHAR NOT NULL,
    revision    INTEGER NOT NULL,
    fetched_at  TIMESTAMPTZ NOT NULL,
    title       VARCHAR,
    body        VARCHAR NOT NULL,
    body_hash   VARCHAR NOT NULL,
    diff        JSON,
    PRIMARY KEY (article_id, revision)
);
COMMENT ON TABLE article_revisions IS 'Every revision of every article, the current one included; diff says what changed from the previous one.';
COMMENT ON COLUMN article_revisions.article_id IS 'The article.';
COMMENT ON COLUMN article_revisions.revision IS '1 for the first version, then 2, 3, ...';
COMMENT ON COLUMN article_revisions.fetched_at IS 'When this revision was fetched (UTC).';
COMMENT ON COLUMN article_revisions.title IS 'Headline of this revision.';
COMMENT ON COLUMN article_revisions.body IS 'Body text of this revision.';
COMMENT ON COLUMN article_revisions.body_hash IS 'sha256 of the normalised body.';
COMMENT ON COLUMN article_revisions.diff IS 'JSON: headline before/after, quotes and figures added and removed.';

CREATE TABLE quotes (
    article_id   VARCHAR NOT NULL,
    seq          INTEGER NOT NULL,
    text         VARCHAR NOT NULL,
    speaker      VARCHAR,
    speaker_role VARCHAR,
    kind         VARCHAR NOT NULL,
    cue          VARCHAR,
    "start"      INTEGER NOT NULL,
    "end"        INTEGER NOT NULL,
    PRIMARY KEY (article_id, seq)
);
COMMENT ON TABLE quotes IS 'Quotations in the current revision of each article, with their canonical speaker.';
COMMENT ON COLUMN quotes.article_id IS 'The article.';
COMMENT ON COLUMN quotes.seq IS 'Order of the quote in the article, from 0.';
COMMENT ON COLUMN quotes.text IS 'The quoted words (multi-paragraph quotes joined by newlines).';
COMMENT ON COLUMN quotes.speaker IS 'Canonical speaker name (Kemi Badenoch, not Mrs Badenoch); NULL when unattributable.';
COMMENT ON COLUMN quotes.speaker_role IS 'The role as written where the speaker was named by role (the Reform UK leader).';
COMMENT ON COLUMN quotes.kind IS 'direct, partial or indirect.';
COMMENT ON COLUMN quotes.cue IS 'The speech verb: said, insisted, added, ...';
COMMENT ON COLUMN quotes."start" IS 'Character offset of the quote in articles.body.';
COMMENT ON COLUMN quotes."end" IS 'Character offset just after the quote in articles.body.';

CREATE TABLE figures (
    article_id  VARCHAR NOT NULL,
    seq         INTEGER NOT NULL,
    value       DOUBLE NOT NULL,
    unit        VARCHAR NOT NULL,
    text        VARCHAR NOT NULL,
    subject     VARCHAR,
    change      VARCHAR,
    baseline    VARCHAR,
    approximate BOOLEAN NOT NULL,
    source      VARCHAR,
    "start"     INTEGER NOT NULL,
    "end"       INTEGER NOT NULL,
    PRIMARY KEY (article_id, seq)
);
COMMENT ON TABLE figures IS 'Numeric claims in the current revision of each article.';
COMMENT ON COLUMN figures.article_id IS 'The article.';
COMMENT ON COLUMN figures.seq IS 'Order of the figure in the article, from 0.';
COMMENT ON COLUMN figures.value IS 'The number (19,244 -> 19244; 16 per cent -> 16).';
COMMENT ON COLUMN figures.unit IS 'people, percent, GBP, boats, ... (count when unknown).';
COMMENT ON COLUMN figures.text IS 'The claim as written.';
COMMENT ON COLUMN figures.subject IS 'What the number counts: foreign criminals awaiting deportation.';
COMMENT ON COLUMN figures.change IS 'increase or decrease when the claim is a change.';
COMMENT ON COLUMN figures.baseline IS 'The comparison period of a change: the same period 12 months earlier.';
COMMENT ON COLUMN figures.approximate IS 'TRUE for hedged numbers: some, around, hundreds of thousands.';
COMMENT ON COLUMN figures.source IS 'Who the figure is attributed to: Home Office figures, or a speaker.';
COMMENT ON COLUMN figures."start" IS 'Character offset in articles.body.';
COMMENT ON COLUMN figures."end" IS 'Character offset just after the claim in articles.body.';

CREATE TABLE entities (
    article_id VARCHAR NOT NULL,
    name       VARCHAR NOT NULL,
    type       VARCHAR NOT NULL,
    role       VARCHAR,
    mentions   INTEGER NOT NULL,
    PRIMARY KEY (article_id, name, type)
);
COMMENT ON TABLE entities IS 'People, organisations and places named in each article (entity mentions per article).';
COMMENT ON COLUMN entities.article_id IS 'The article.';
COMMENT ON COLUMN entities.name IS 'Canonical name: Kemi Badenoch, Home Office, ECHR.';
COMMENT ON COLUMN entities.type IS 'person, org or place.';
COMMENT ON COLUMN entities.role IS 'Role or title written beside the name in this article.';
COMMENT ON COLUMN entities.mentions IS 'How many times the article mentions it (surname, honorific and role mentions count).';

CREATE TABLE topics (
    article_id VARCHAR NOT NULL,
    topic      VARCHAR NOT NULL,
    score      DOUBLE NOT NULL,
    evidence   VARCHAR[] NOT NULL,
    PRIMARY KEY (article_id, topic)
);
COMMENT ON TABLE topics IS 'Immigration topics of each article (multi-label), from seeds/topics.toml.';
COMMENT ON COLUMN topics.article_id IS 'The article.';
COMMENT ON COLUMN topics.topic IS 'Topic slug: asylum, small-boats, deportation, ...';
COMMENT ON COLUMN topics.score IS 'Strength of the evidence, 0..1.';
COMMENT ON COLUMN topics.evidence IS 'The phrases that triggered the topic.';

CREATE SEQUENCE rejects_seq;
CREATE TABLE rejects (
    reject_id  BIGINT PRIMARY KEY DEFAULT nextval('rejects_seq'),
    run_id     VARCHAR REFERENCES runs (run_id),
    url        VARCHAR NOT NULL,
    stage      VARCHAR NOT NULL,
    reason     VARCHAR NOT NULL,
    retryable  BOOLEAN NOT NULL,
    rejected_at TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE rejects IS 'Every feed or page that was refused or failed, with the reason; retryable ones are tried again next run.';
COMMENT ON COLUMN rejects.reject_id IS 'Row id.';
COMMENT ON COLUMN rejects.run_id IS 'The run that refused it.';
COMMENT ON COLUMN rejects.url IS 'The feed or page URL.';
COMMENT ON COLUMN rejects.stage IS 'feed (polling) or page (fetching or parsing an article).';
COMMENT ON COLUMN rejects.reason IS 'One-line reason naming the URL and the error.';
COMMENT ON COLUMN rejects.retryable IS 'TRUE for transient errors (timeouts, 429, 5xx): the next run tries again.';
COMMENT ON COLUMN rejects.rejected_at IS 'When it happened (UTC).';

CREATE SEQUENCE feed_fetches_seq;
CREATE TABLE feed_fetches (
    fetch_id     BIGINT PRIMARY KEY DEFAULT nextval('feed_fetches_seq'),
    run_id       VARCHAR REFERENCES runs (run_id),
    feed_id      VARCHAR NOT NULL REFERENCES feeds (feed_id),
    fetched_at   TIMESTAMPTZ NOT NULL,
    status       INTEGER,
    bytes        BIGINT NOT NULL DEFAULT 0,
    not_modified BOOLEAN NOT NULL DEFAULT FALSE,
    entries      INTEGER NOT NULL DEFAULT 0,
    new_entries  INTEGER NOT NULL DEFAULT 0,
    error        VARCHAR
);
COMMENT ON TABLE feed_fetches IS 'Every poll of every feed: status, size, cache hit, entries and error.';
COMMENT ON COLUMN feed_fetches.fetch_id IS 'Row id.';
COMMENT ON COLUMN feed_fetches.run_id IS 'The ingest run.';
COMMENT ON COLUMN feed_fetches.feed_id IS 'The feed polled.';
COMMENT ON COLUMN feed_fetches.fetched_at IS 'When (UTC).';
COMMENT ON COLUMN feed_fetches.status IS 'HTTP status; NULL when no response arrived.';
COMMENT ON COLUMN feed_fetches.bytes IS 'Body size in bytes.';
COMMENT ON COLUMN feed_fetches.not_modified IS 'TRUE when the feed was unchanged (304 or same body hash).';
COMMENT ON COLUMN feed_fetches.entries IS 'Entries in the feed.';
COMMENT ON COLUMN feed_fetches.new_entries IS 'Entries whose URL was not yet known.';
COMMENT ON COLUMN feed_fetches.error IS 'One-line error, NULL on success.';

CREATE TABLE digests_sent (
    rule        VARCHAR NOT NULL,
    recipient   VARCHAR NOT NULL,
    article_id  VARCHAR NOT NULL,
    fingerprint VARCHAR NOT NULL,
    message_id  VARCHAR NOT NULL,
    sent_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (rule, recipient, article_id)
);
COMMENT ON TABLE digests_sent IS 'The send ledger: what each recipient was sent for each rule, written only after the SMTP server (or outbox) accepted it.';
COMMENT ON COLUMN digests_sent.rule IS 'Digest rule name from newsmon.toml.';
COMMENT ON COLUMN digests_sent.recipient IS 'Email address.';
COMMENT ON COLUMN digests_sent.article_id IS 'The article (the canonical copy of its cluster) that was sent.';
COMMENT ON COLUMN digests_sent.fingerprint IS 'Hash of what was sent (quotes, figures, outlets): a change makes the item new again.';
COMMENT ON COLUMN digests_sent.message_id IS 'Message-ID of the email.';
COMMENT ON COLUMN digests_sent.sent_at IS 'When the message was accepted (UTC).';
