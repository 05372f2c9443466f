-- 0003: what analysts need beyond the core tables: a speakers directory (role class and party of everyone quoted),
-- the editable rules that classify role texts, article_facts (the time and cluster fields every trend groups by),
-- the full-text index's state, and comments on the bookkeeping table.
-- speakers, speaker_roles and article_facts are derived tables, refreshed after each ingest by warehouse.fts
-- (warehouse/queries/refresh_*.sql); speakers rows marked curated keep the role_class and party set by hand.
-- No FOREIGN KEY to articles here either (see 0001): speakers are keyed by name, rules by their own ids.

COMMENT ON TABLE _migrations IS 'Schema migrations applied to this file (warehouse/schema/NNNN_name.sql), one row each.';
COMMENT ON COLUMN _migrations.version IS 'The migration number NNNN.';
COMMENT ON COLUMN _migrations.name IS 'The migration name after the number.';
COMMENT ON COLUMN _migrations.applied_at IS 'When it was applied (UTC).';

CREATE TABLE speaker_role_rules (
    rule_id    INTEGER PRIMARY KEY,
    pattern    VARCHAR NOT NULL,
    role_class VARCHAR NOT NULL
);
COMMENT ON TABLE speaker_role_rules IS 'How a role as written (the Shadow Home Secretary, a Refugee Council spokesperson) becomes a role class: the matching rule with the lowest rule_id wins. Also applied to a speaker''s name when no role was written (Home Office -> official). speakers is re-derived after each ingest.';
COMMENT ON COLUMN speaker_role_rules.rule_id IS 'Rule order: lower ids are tried first.';
COMMENT ON COLUMN speaker_role_rules.pattern IS 'Case-insensitive regular expression (RE2) matched against the role text.';
COMMENT ON COLUMN speaker_role_rules.role_class IS 'minister, opposition, politician, official, ngo, expert, migrant, media or public.';

INSERT INTO speaker_role_rules VALUES
    (10, '(?i)\bshadow\b|leader of the opposition', 'opposition'),
    (20, '(?i)\b(former|ex-?)\s*(home secretary|prime minister|chancellor|foreign secretary|\w*\s*minister)', 'politician'),
    (30, '(?i)home secretary|prime minister|\bminister\b|chancellor|secretary of state|foreign secretary|\bPM\b', 'minister'),
    (40, '(?i)charit|campaign|refugee council|refugee action|care4calais|amnesty|\bNGO\b|rights group|freedom from torture|safe passage|detention action|migrants\W? rights|\bJCWI\b|red cross|\bRNLI\b|welcome', 'ngo'),
    (50, '(?i)asylum seeker|\brefugees?\b|\bmigrants?\b|who (crossed|arrived|fled)|\bdetainee|\bsurvivor', 'migrant'),
    (60, '(?i)\bMPs?\b|\bMSP\b|\bMEP\b|\bleader\b|\bcouncillor|\bpeer\b|\blord\b|\bbaroness\b|\bmayor\b|party chair|politician|backbencher|candidate', 'politician'),
    (70, '(?i)professor|academic|research|universit|observatory|think.?tank|institute|lawyer|barrister|solicitor|\bKC\b|economist|analyst|expert|director of', 'expert'),
    (80, '(?i)spokes(man|woman|person)|home office|border force|police|officer|official|civil servant|inspector|constable|commissioner|immigration enforcement|government|department|\bcouncil\b|judge|tribunal', 'official'),
    (85, '(?i)presenter|journalist|reporter|correspondent|editor|broadcaster|columnist|interviewer', 'media'),
    (90, '(?i)resident|\blocals?\b|protester|neighbour|voter|member of the public|worker|landlord|business owner|parent|mother|father', 'public');

CREATE TABLE party_rules (
    rule_id INTEGER PRIMARY KEY,
    pattern VARCHAR NOT NULL,
    party   VARCHAR NOT NULL
);
COMMENT ON TABLE party_rules IS 'How a role as written (the Reform UK leader, Tory MP) names a party: the matching rule with the lowest rule_id wins.';
COMMENT ON COLUMN party_rules.rule_id IS 'Rule order: lower ids are tried first.';
COMMENT ON COLUMN party_rules.pattern IS 'Case-insensitive regular expression (RE2) matched against the role text.';
COMMENT ON COLUMN party_rules.party IS 'The party name as analysts write it: Conservative, Labour, Reform UK, ...';

INSERT INTO party_rules VALUES
    (10, '(?i)\breform uk\b|\breform (party|leader|deputy|chair|mp|councillor|candidate)', 'Reform UK'),
    (20, '(?i)\b(conservatives?|tory|tories)\b', 'Conservative'),
    (30, '(?i)\blabour\b', 'Labour'),
    (40, '(?i)liberal democrat|\blib ?dems?\b', 'Liberal Democrats'),
    (50, '(?i)\bSNP\b|scottish national party', 'SNP'),
    (60, '(?i)\bgreen (party|mp|leader|co-leader|councillor|peer)|\bgreens\b', 'Green'),
    (70, '(?i)plaid cymru', 'Plaid Cymru'),
    (80, '(?i)\bDUP\b|democratic unionist', 'DUP'),
    (90, '(?i)sinn f[eé]in', 'Sinn Féin');

CREATE TABLE speaker_roles (
    role_text  VARCHAR PRIMARY KEY,
    role_class VARCHAR NOT NULL,
    party      VARCHAR,
    uses       INTEGER NOT NULL
);
COMMENT ON TABLE speaker_roles IS 'Every role text written beside a quote or a person (the Reform UK leader), classified by speaker_role_rules and party_rules. Derived after each ingest.';
COMMENT ON COLUMN speaker_roles.role_text IS 'The role as written in articles (quotes.speaker_role or entities.role).';
COMMENT ON COLUMN speaker_roles.role_class IS 'Role class from the first matching speaker_role_rules row; other when none matches.';
COMMENT ON COLUMN speaker_roles.party IS 'Party from the first matching party_rules row; NULL when the text names none.';
COMMENT ON COLUMN speaker_roles.uses IS 'How many quotes and article-person pairs carry this text.';

CREATE TABLE speakers (
    name          VARCHAR PRIMARY KEY,
    role_class    VARCHAR NOT NULL,
    party         VARCHAR,
    role_text     VARCHAR,
    quotes        INTEGER NOT NULL DEFAULT 0,
    articles      INTEGER NOT NULL DEFAULT 0,
    first_quoted  TIMESTAMPTZ,
    last_quoted   TIMESTAMPTZ,
    curated       BOOLEAN NOT NULL DEFAULT FALSE,
    refreshed_at  TIMESTAMPTZ
);
COMMENT ON TABLE speakers IS 'Everyone quoted by name, one row each: role class and party (derived from the roles written beside them, or set by hand when curated), and how often they are quoted.';
COMMENT ON COLUMN speakers.name IS 'Canonical speaker name, as in quotes.speaker.';
COMMENT ON COLUMN speakers.role_class IS 'minister, opposition, politician, official, ngo, expert, migrant, media, public, other (a role no rule knows) or unknown (no role written and the name itself, such as Home Office, says nothing).';
COMMENT ON COLUMN speakers.party IS 'Party, when a role written beside the name says it (or set by hand); NULL otherwise.';
COMMENT ON COLUMN speakers.role_text IS 'The role most often written beside the name (Conservative leader).';
COMMENT ON COLUMN speakers.quotes IS 'Quotes attributed to this speaker, in all stored articles (copies included).';
COMMENT ON COLUMN speakers.articles IS 'Articles quoting this speaker (copies included).';
COMMENT ON COLUMN speakers.first_quoted IS 'Earliest publication time (or first-seen time) of an article quoting them (UTC).';
COMMENT ON COLUMN speakers.last_quoted IS 'Latest publication time (or first-seen time) of an article quoting them (UTC).';
COMMENT ON COLUMN speakers.curated IS 'TRUE when role_class and party were set by hand: the refresh then keeps them and updates only the counts.';
COMMENT ON COLUMN speakers.refreshed_at IS 'When the derived columns were last recomputed (UTC).';

CREATE TABLE article_facts (
    article_id    VARCHAR PRIMARY KEY,
    cluster_key   VARCHAR NOT NULL,
    story_key     VARCHAR NOT NULL,
    title         VARCHAR,
    outlet        VARCHAR,
    canonical_url VARCHAR NOT NULL,
    published     TIMESTAMPTZ NOT NULL,
    day           DATE NOT NULL,
    week          DATE NOT NULL,
    month         DATE NOT NULL,
    first_seen    TIMESTAMPTZ NOT NULL,
    relevance     DOUBLE NOT NULL,
    status        VARCHAR NOT NULL,
    counted       BOOLEAN NOT NULL
);
COMMENT ON TABLE article_facts IS 'Every stored article with the fields trend questions group by: its cluster key, London day, week and month, and whether trend views count it. Derived from articles after each ingest, in time order.';
COMMENT ON COLUMN article_facts.article_id IS 'The article.';
COMMENT ON COLUMN article_facts.cluster_key IS 'The same key for an article and its copies: count DISTINCT cluster_key to count articles, not copies.';
COMMENT ON COLUMN article_facts.story_key IS 'The same key for all articles about one story (articles.story_id when stories are built, else cluster_key).';
COMMENT ON COLUMN article_facts.title IS 'Headline.';
COMMENT ON COLUMN article_facts.outlet IS 'Publishing outlet.';
COMMENT ON COLUMN article_facts.canonical_url IS 'Identity URL of the article.';
COMMENT ON COLUMN article_facts.published IS 'Publication time, or first-seen time when the page gave no trustworthy date (UTC).';
COMMENT ON COLUMN article_facts.day IS 'Calendar day of published in London.';
COMMENT ON COLUMN article_facts.week IS 'Monday of the week of day.';
COMMENT ON COLUMN article_facts.month IS 'First day of the month of day.';
COMMENT ON COLUMN article_facts.first_seen IS 'When newsmon first stored the article (UTC).';
COMMENT ON COLUMN article_facts.relevance IS 'Immigration relevance 0..1.';
COMMENT ON COLUMN article_facts.status IS 'full, teaser, paywalled, blocked or empty.';
COMMENT ON COLUMN article_facts.counted IS 'TRUE when trend views count it: relevance at or above relevance_threshold() and status full.';

CREATE TABLE search_index_state (
    index_name   VARCHAR PRIMARY KEY,
    built_at     TIMESTAMPTZ NOT NULL,
    documents    BIGINT NOT NULL,
    fingerprint  VARCHAR NOT NULL,
    seconds      DOUBLE NOT NULL
);
COMMENT ON TABLE search_index_state IS 'When the BM25 full-text index behind search_articles() was last built, and from what: a rebuild is skipped when nothing changed.';
COMMENT ON COLUMN search_index_state.index_name IS 'The indexed table: articles (index schema fts_main_articles).';
COMMENT ON COLUMN search_index_state.built_at IS 'When the index was (re)built (UTC).';
COMMENT ON COLUMN search_index_state.documents IS 'Articles in the index.';
COMMENT ON COLUMN search_index_state.fingerprint IS 'Article count and sum of revision numbers at build time: a new article or a new revision changes it.';
COMMENT ON COLUMN search_index_state.seconds IS 'How long the build took.';
