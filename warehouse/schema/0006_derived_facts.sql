-- 0006: derived tables that keep the analysts' views fast at a million articles and the full-text index current
-- after each ingest without a rebuild. All live in schema "derived" (not exported, not published to a lake by a
-- shard, not for analysts to query directly: the views in warehouse/views/ are the interface). warehouse.fts keeps
-- them current: only the articles added, revised or re-clustered since the last refresh are re-derived.
--
-- speaker_counts, role_counts: the aggregates speakers and speaker_roles are derived from, kept by deltas.
-- *_rows: each quote, figure, entity and topic row with its article's facts (London day/week/month, outlet, cluster
--   key, counted) copied beside it, in publication-time order, so that a filter on a day, week or month reads only
--   the matching row groups instead of joining every row of the child table to article_facts.
-- search_*: a BM25 index kept by newsmon itself (the fts extension's PRAGMA create_fts_index is a full rebuild):
--   tokenised like the extension (same tokenizer, English stop words, Porter stemmer via its stem() function);
--   scores are computed at query time by search_articles() from term frequencies, document lengths and
--   document frequencies, so adding an article only adds its own rows.

ALTER TABLE article_facts ADD COLUMN revision INTEGER;
COMMENT ON COLUMN article_facts.revision IS 'The article revision these facts were derived from (a new revision re-derives them).';

CREATE SCHEMA derived;

CREATE TABLE derived.article_buckets (
    bucket UBIGINT NOT NULL,
    state  UBIGINT NOT NULL
);
COMMENT ON TABLE derived.article_buckets IS 'The articles as the derived tables last saw them, in 4,096 buckets by hashed id (bit_xor of each article''s hashed facts): a refresh compares only the buckets whose state changed.';

CREATE TABLE derived.quote_rows (
    article_id    VARCHAR NOT NULL,
    seq           INTEGER NOT NULL,
    cluster_key   VARCHAR NOT NULL,
    speaker       VARCHAR,
    speaker_role  VARCHAR,
    text          VARCHAR NOT NULL,
    kind          VARCHAR NOT NULL,
    cue           VARCHAR,
    published     TIMESTAMPTZ NOT NULL,
    day           DATE NOT NULL,
    week          DATE NOT NULL,
    month         DATE NOT NULL,
    outlet        VARCHAR,
    title         VARCHAR,
    canonical_url VARCHAR NOT NULL,
    counted       BOOLEAN NOT NULL
);
COMMENT ON TABLE derived.quote_rows IS 'quotes with their article''s facts, in publication order (derived; query the view quote_facts).';

CREATE TABLE derived.figure_rows (
    article_id    VARCHAR NOT NULL,
    seq           INTEGER NOT NULL,
    cluster_key   VARCHAR NOT NULL,
    value         DOUBLE NOT NULL,
    unit          VARCHAR NOT NULL,
    text          VARCHAR NOT NULL,
    subject       VARCHAR,
    source        VARCHAR,
    change        VARCHAR,
    baseline      VARCHAR,
    approximate   BOOLEAN NOT NULL,
    published     TIMESTAMPTZ NOT NULL,
    day           DATE NOT NULL,
    week          DATE NOT NULL,
    month         DATE NOT NULL,
    outlet        VARCHAR,
    title         VARCHAR,
    canonical_url VARCHAR NOT NULL,
    counted       BOOLEAN NOT NULL
);
COMMENT ON TABLE derived.figure_rows IS 'figures with their article''s facts, in publication order (derived; query the view figure_citations).';

CREATE TABLE derived.entity_rows (
    article_id  VARCHAR NOT NULL,
    cluster_key VARCHAR NOT NULL,
    name        VARCHAR NOT NULL,
    type        VARCHAR NOT NULL,
    role        VARCHAR,
    mentions    INTEGER NOT NULL,
    published   TIMESTAMPTZ NOT NULL,
    day         DATE NOT NULL,
    week        DATE NOT NULL,
    month       DATE NOT NULL,
    outlet      VARCHAR,
    counted     BOOLEAN NOT NULL
);
COMMENT ON TABLE derived.entity_rows IS 'entities with their article''s facts, in publication order (derived; query the view mentions).';

CREATE TABLE derived.topic_rows (
    article_id  VARCHAR NOT NULL,
    topic       VARCHAR NOT NULL,
    cluster_key VARCHAR NOT NULL,
    published   TIMESTAMPTZ NOT NULL,
    day         DATE NOT NULL,
    week        DATE NOT NULL,
    month       DATE NOT NULL,
    outlet      VARCHAR,
    counted     BOOLEAN NOT NULL
);
COMMENT ON TABLE derived.topic_rows IS 'topics with their article''s facts, in publication order (derived; behind daily_topic_counts and weekly_topic_counts).';

CREATE TABLE derived.speaker_counts (
    speaker      VARCHAR NOT NULL,
    quotes       BIGINT NOT NULL,
    articles     BIGINT NOT NULL,
    first_quoted TIMESTAMPTZ,
    last_quoted  TIMESTAMPTZ
);
COMMENT ON TABLE derived.speaker_counts IS 'Per named speaker: quotes, articles quoting them, first and last publication time; kept by adding and subtracting the changed articles'' rows, so that speakers is re-derived without scanning every quote.';

CREATE TABLE derived.role_counts (
    name      VARCHAR NOT NULL,
    role_text VARCHAR NOT NULL,
    source    VARCHAR NOT NULL,
    uses      BIGINT NOT NULL
);
COMMENT ON TABLE derived.role_counts IS 'How often each role text is written beside a name: source quote (quotes.speaker_role; name is empty for unattributed quotes) or person (entities.role of people). speaker_roles and speakers are re-derived from it.';

CREATE TABLE derived.search_docs (
    docid      INTEGER NOT NULL,
    article_id VARCHAR NOT NULL,
    revision   INTEGER NOT NULL,
    len        INTEGER NOT NULL
);
COMMENT ON TABLE derived.search_docs IS 'One row per indexed article: its document number in search_postings and its length in terms (title and body, stop words left out).';

CREATE TABLE derived.search_terms (
    termid INTEGER NOT NULL,
    term   VARCHAR NOT NULL,
    df     INTEGER NOT NULL
);
COMMENT ON TABLE derived.search_terms IS 'Every stemmed term in the index with its document frequency (how many indexed articles contain it).';

CREATE TABLE derived.search_postings (
    termid INTEGER NOT NULL,
    docid  INTEGER NOT NULL,
    tf     INTEGER NOT NULL,
    len    INTEGER NOT NULL
);
COMMENT ON TABLE derived.search_postings IS 'Each (term, article) pair with the term''s frequency in the article and the article''s length; sorted by term when rebuilt, new articles appended.';

CREATE TABLE derived.search_stats (
    num_docs BIGINT NOT NULL,
    sum_len  BIGINT NOT NULL
);
COMMENT ON TABLE derived.search_stats IS 'One row: indexed articles and their total length in terms (BM25''s N and average document length).';

CREATE TABLE derived.search_stopwords (
    word VARCHAR NOT NULL
);
COMMENT ON TABLE derived.search_stopwords IS 'English stop words left out of the index: the fts extension''s list (stopwords = ''english'').';
INSERT INTO derived.search_stopwords VALUES
    ('a'), ('a''s'), ('able'), ('about'), ('above'), ('according'), ('accordingly'), ('across'), ('actually'),
    ('after'), ('afterwards'), ('again'), ('against'), ('ain''t'), ('all'), ('allow'), ('allows'), ('almost'),
    ('alone'), ('along'), ('already'), ('also'), ('although'), ('always'), ('am'), ('among'), ('amongst'),
    ('an'), ('and'), ('another'), ('any'), ('anybody'), ('anyhow'), ('anyone'), ('anything'), ('anyway'), ('anyways'),
    ('anywhere'), ('apart'), ('appear'), ('appreciate'), ('appropriate'), ('are'), ('aren''t'), ('around'),
    ('as'), ('aside'), ('ask'), ('asking'), ('associated'), ('at'), ('available'), ('away'), ('awfully'), ('b'),
    ('be'), ('became'), ('because'), ('become'), ('becomes'), ('becoming'), ('been'), ('before'), ('beforehand'),
    ('behind'), ('being'), ('believe'), ('below'), ('beside'), ('besides'), ('best'), ('better'), ('between'),
    ('beyond'), ('both'), ('brief'), ('but'), ('by'), ('c'), ('c''mon'), ('c''s'), ('came'), ('can'), ('can''t'),
    ('cannot'), ('cant'), ('cause'), ('causes'), ('certain'), ('certainly'), ('changes'), ('clearly'), ('co'),
    ('com'), ('come'), ('comes'), ('concerning'), ('consequently'), ('consider'), ('considering'), ('contain'),
    ('containing'), ('contains'), ('corresponding'), ('could'), ('couldn''t'), ('course'), ('currently'), ('d'),
    ('definitely'), ('described'), ('despite'), ('did'), ('didn''t'), ('different'), ('do'), ('does'), ('doesn''t'),
    ('doing'), ('don''t'), ('done'), ('down'), ('downwards'), ('during'), ('e'), ('each'), ('edu'), ('eg'),
    ('eight'), ('either'), ('else'), ('elsewhere'), ('enough'), ('entirely'), ('especially'), ('et'), ('etc'),
    ('even'), ('ever'), ('every'), ('everybody'), ('everyone'), ('everything'), ('everywhere'), ('ex'), ('exactly'),
    ('example'), ('except'), ('f'), ('far'), ('few'), ('fifth'), ('first'), ('five'), ('followed'), ('following'),
    ('follows'), ('for'), ('former'), ('formerly'), ('forth'), ('four'), ('from'), ('further'), ('furthermore'),
    ('g'), ('get'), ('gets'), ('getting'), ('given'), ('gives'), ('go'), ('goes'), ('going'), ('gone'), ('got'),
    ('gotten'), ('greetings'), ('h'), ('had'), ('hadn''t'), ('happens'), ('hardly'), ('has'), ('hasn''t'),
    ('have'), ('haven''t'), ('having'), ('he'), ('he''s'), ('hello'), ('help'), ('hence'), ('her'), ('here'),
    ('here''s'), ('hereafter'), ('hereby'), ('herein'), ('hereupon'), ('hers'), ('herself'), ('hi'), ('him'),
    ('himself'), ('his'), ('hither'), ('hopefully'), ('how'), ('howbeit'), ('however'), ('i'), ('i''d'), ('i''ll'),
    ('i''m'), ('i''ve'), ('ie'), ('if'), ('ignored'), ('immediate'), ('in'), ('inasmuch'), ('inc'), ('indeed'),
    ('indicate'), ('indicated'), ('indicates'), ('inner'), ('insofar'), ('instead'), ('into'), ('inward'),
    ('is'), ('isn''t'), ('it'), ('it''d'), ('it''ll'), ('it''s'), ('its'), ('itself'), ('j'), ('just'), ('k'),
    ('keep'), ('keeps'), ('kept'), ('know'), ('known'), ('knows'), ('l'), ('last'), ('lately'), ('later'),
    ('latter'), ('latterly'), ('least'), ('less'), ('lest'), ('let'), ('let''s'), ('like'), ('liked'), ('likely'),
    ('little'), ('look'), ('looking'), ('looks'), ('ltd'), ('m'), ('mainly'), ('many'), ('may'), ('maybe'),
    ('me'), ('mean'), ('meanwhile'), ('merely'), ('might'), ('more'), ('moreover'), ('most'), ('mostly'), ('much'),
    ('must'), ('my'), ('myself'), ('n'), ('name'), ('namely'), ('nd'), ('near'), ('nearly'), ('necessary'),
    ('need'), ('needs'), ('neither'), ('never'), ('nevertheless'), ('new'), ('next'), ('nine'), ('no'), ('nobody'),
    ('non'), ('none'), ('noone'), ('nor'), ('normally'), ('not'), ('nothing'), ('novel'), ('now'), ('nowhere'),
    ('o'), ('obviously'), ('of'), ('off'), ('often'), ('oh'), ('ok'), ('okay'), ('old'), ('on'), ('once'),
    ('one'), ('ones'), ('only'), ('onto'), ('or'), ('other'), ('others'), ('otherwise'), ('ought'), ('our'),
    ('ours'), ('ourselves'), ('out'), ('outside'), ('over'), ('overall'), ('own'), ('p'), ('particular'), ('particularly'),
    ('per'), ('perhaps'), ('placed'), ('please'), ('plus'), ('possible'), ('presumably'), ('probably'), ('provides'),
    ('q'), ('que'), ('quite'), ('qv'), ('r'), ('rather'), ('rd'), ('re'), ('really'), ('reasonably'), ('regarding'),
    ('regardless'), ('regards'), ('relatively'), ('respectively'), ('right'), ('s'), ('said'), ('same'), ('saw'),
    ('say'), ('saying'), ('says'), ('second'), ('secondly'), ('see'), ('seeing'), ('seem'), ('seemed'), ('seeming'),
    ('seems'), ('seen'), ('self'), ('selves'), ('sensible'), ('sent'), ('serious'), ('seriously'), ('seven'),
    ('several'), ('shall'), ('she'), ('should'), ('shouldn''t'), ('since'), ('six'), ('so'), ('some'), ('somebody'),
    ('somehow'), ('someone'), ('something'), ('sometime'), ('sometimes'), ('somewhat'), ('somewhere'), ('soon'),
    ('sorry'), ('specified'), ('specify'), ('specifying'), ('still'), ('sub'), ('such'), ('sup'), ('sure'),
    ('t'), ('t''s'), ('take'), ('taken'), ('tell'), ('tends'), ('th'), ('than'), ('thank'), ('thanks'), ('thanx'),
    ('that'), ('that''s'), ('thats'), ('the'), ('their'), ('theirs'), ('them'), ('themselves'), ('then'), ('thence'),
    ('there'), ('there''s'), ('thereafter'), ('thereby'), ('therefore'), ('therein'), ('theres'), ('thereupon'),
    ('these'), ('they'), ('they''d'), ('they''ll'), ('they''re'), ('they''ve'), ('think'), ('third'), ('this'),
    ('thorough'), ('thoroughly'), ('those'), ('though'), ('three'), ('through'), ('throughout'), ('thru'),
    ('thus'), ('to'), ('together'), ('too'), ('took'), ('toward'), ('towards'), ('tried'), ('tries'), ('truly'),
    ('try'), ('trying'), ('twice'), ('two'), ('u'), ('un'), ('under'), ('unfortunately'), ('unless'), ('unlikely'),
    ('until'), ('unto'), ('up'), ('upon'), ('us'), ('use'), ('used'), ('useful'), ('uses'), ('using'), ('usually'),
    ('uucp'), ('v'), ('value'), ('various'), ('very'), ('via'), ('viz'), ('vs'), ('w'), ('want'), ('wants'),
    ('was'), ('wasn''t'), ('way'), ('we'), ('we''d'), ('we''ll'), ('we''re'), ('we''ve'), ('welcome'), ('well'),
    ('went'), ('were'), ('weren''t'), ('what'), ('what''s'), ('whatever'), ('when'), ('whence'), ('whenever'),
    ('where'), ('where''s'), ('whereafter'), ('whereas'), ('whereby'), ('wherein'), ('whereupon'), ('wherever'),
    ('whether'), ('which'), ('while'), ('whither'), ('who'), ('who''s'), ('whoever'), ('whole'), ('whom'),
    ('whose'), ('why'), ('will'), ('willing'), ('wish'), ('with'), ('within'), ('without'), ('won''t'), ('wonder'),
    ('would'), ('wouldn''t'), ('x'), ('y'), ('yes'), ('yet'), ('you'), ('you''d'), ('you''ll'), ('you''re'),
    ('you''ve'), ('your'), ('yours'), ('yourself'), ('yourselves'), ('z'), ('zero');
INSERT INTO derived.search_stats VALUES (0, 0);

COMMENT ON TABLE search_index_state IS 'When the derived tables (article_facts, speakers, schema derived) and the BM25 index behind search_articles() were last refreshed, and from what: a refresh is skipped when nothing changed.';
COMMENT ON COLUMN search_index_state.built_at IS 'When the last refresh (full or incremental) committed (UTC).';
COMMENT ON COLUMN search_index_state.fingerprint IS 'Format version, article count and sum of revision numbers at the last refresh: a new article or a new revision changes it.';
COMMENT ON COLUMN search_index_state.seconds IS 'How long the last refresh took.';
