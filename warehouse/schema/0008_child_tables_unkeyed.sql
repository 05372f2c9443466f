-- 0008: the article-keyed child tables (quotes, figures, entities, topics) lose their declared PRIMARY KEYs.
-- DuckDB keeps a primary key as an ART index that every insert must load and every checkpoint rewrites: at 67,000
-- articles these four held 3.3M keys, and one 250-page load then peaked ~390 MB and spent 0.9 s CPU closing the file
-- (without them: ~170 MB and 0.26 s), growing with the warehouse. Nothing looks rows up by these keys: the loader
-- writes each article's rows whole (seq numbered from 0, one row per entity name and type, one per topic) and
-- replaces them whole on a revision, and the analysts' queries join and scan. tests/warehouse/test_load.py checks the
-- keys still hold. The tables are re-created with the same columns in the same order, rows and comments kept.

CREATE TABLE quotes_0008 (
    article_id   VARCHAR NOT NULL,
    seq          INTEGER NOT NULL,
    text         VARCHAR NOT NULL,
    speaker      VARCHAR,
    speaker_role VARCHAR,
    kind         VARCHAR NOT NULL,
    cue          VARCHAR,
    "start"      INTEGER NOT NULL,
    "end"        INTEGER NOT NULL
);
INSERT INTO quotes_0008 SELECT * FROM quotes;
DROP TABLE quotes;
ALTER TABLE quotes_0008 RENAME TO quotes;
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

CREATE TABLE figures_0008 (
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
    "end"       INTEGER NOT NULL
);
INSERT INTO figures_0008 SELECT * FROM figures;
DROP TABLE figures;
ALTER TABLE figures_0008 RENAME TO figures;
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

CREATE TABLE entities_0008 (
    article_id VARCHAR NOT NULL,
    name       VARCHAR NOT NULL,
    type       VARCHAR NOT NULL,
    role       VARCHAR,
    mentions   INTEGER NOT NULL
);
INSERT INTO entities_0008 SELECT * FROM entities;
DROP TABLE entities;
ALTER TABLE entities_0008 RENAME TO entities;
COMMENT ON TABLE entities IS 'People, organisations and places named in each article (entity mentions per article).';
COMMENT ON COLUMN entities.article_id IS 'The article.';
COMMENT ON COLUMN entities.name IS 'Canonical name: Kemi Badenoch, Home Office, ECHR.';
COMMENT ON COLUMN entities.type IS 'person, org or place.';
COMMENT ON COLUMN entities.role IS 'Role or title written beside the name in this article.';
COMMENT ON COLUMN entities.mentions IS 'How many times the article mentions it (surname, honorific and role mentions count).';

CREATE TABLE topics_0008 (
    article_id VARCHAR NOT NULL,
    topic      VARCHAR NOT NULL,
    score      DOUBLE NOT NULL,
    evidence   VARCHAR[] NOT NULL
);
INSERT INTO topics_0008 SELECT * FROM topics;
DROP TABLE topics;
ALTER TABLE topics_0008 RENAME TO topics;
COMMENT ON TABLE topics IS 'Immigration topics of each article (multi-label), from seeds/topics.toml.';
COMMENT ON COLUMN topics.article_id IS 'The article.';
COMMENT ON COLUMN topics.topic IS 'Topic slug: asylum, small-boats, deportation, ...';
COMMENT ON COLUMN topics.score IS 'Strength of the evidence, 0..1.';
COMMENT ON COLUMN topics.evidence IS 'The phrases that triggered the topic.';
