-- 25: what the derived tables (migration 0006, schema derived) are computed from; warehouse.fts keeps them current.
-- Not for analysts: the views in 30_analysts.sql read the derived tables.

CREATE OR REPLACE MACRO relevance_threshold() AS 0.3;
COMMENT ON MACRO relevance_threshold IS 'Immigration relevance below which trend views leave an article out (newsmon.toml relevance_threshold, default 0.3).';

-- article_facts as derived from articles: London day/week/month, cluster and story keys, the trend filter.
-- cluster_key is articles.cluster_id (near-copy clusters, migration 0002) when that column exists, else the exact-text
-- group; story_key likewise articles.story_id, else cluster_key. The UNION ALL BY NAME adds NULL columns only when
-- articles lacks them.
CREATE OR REPLACE VIEW derived.article_facts_source AS
WITH a AS (
    FROM articles
    UNION ALL BY NAME
    SELECT NULL::VARCHAR AS cluster_id, NULL::VARCHAR AS story_id WHERE false
)
SELECT a.article_id,
       coalesce(CAST(a.cluster_id AS VARCHAR), a.same_text_as, a.article_id) AS cluster_key,
       coalesce(CAST(a.story_id AS VARCHAR), CAST(a.cluster_id AS VARCHAR), a.same_text_as, a.article_id) AS story_key,
       a.title,
       a.outlet,
       a.canonical_url,
       coalesce(a.published_at, a.first_seen) AS published,
       timezone('Europe/London', coalesce(a.published_at, a.first_seen))::DATE AS day,
       date_trunc('week', timezone('Europe/London', coalesce(a.published_at, a.first_seen)))::DATE AS week,
       date_trunc('month', timezone('Europe/London', coalesce(a.published_at, a.first_seen)))::DATE AS month,
       a.first_seen,
       a.relevance,
       a.status,
       a.relevance >= relevance_threshold() AND a.status = 'full' AS counted,
       a.revision
FROM a;

-- The child tables with their article's facts: what derived.*_rows hold (in publication order).
CREATE OR REPLACE VIEW derived.quote_rows_source AS
SELECT q.article_id, q.seq, f.cluster_key, q.speaker, q.speaker_role, q.text, q.kind, q.cue,
       f.published, f.day, f.week, f.month, f.outlet, f.title, f.canonical_url, f.counted
FROM quotes q JOIN article_facts f USING (article_id);

CREATE OR REPLACE VIEW derived.figure_rows_source AS
SELECT g.article_id, g.seq, f.cluster_key, g.value, g.unit, g.text, g.subject, g.source, g.change, g.baseline,
       g.approximate, f.published, f.day, f.week, f.month, f.outlet, f.title, f.canonical_url, f.counted
FROM figures g JOIN article_facts f USING (article_id);

CREATE OR REPLACE VIEW derived.entity_rows_source AS
SELECT e.article_id, f.cluster_key, e.name, e.type, e.role, e.mentions,
       f.published, f.day, f.week, f.month, f.outlet, f.counted
FROM entities e JOIN article_facts f USING (article_id);

CREATE OR REPLACE VIEW derived.topic_rows_source AS
SELECT t.article_id, t.topic, f.cluster_key, f.published, f.day, f.week, f.month, f.outlet, f.counted
FROM topics t JOIN article_facts f USING (article_id);

-- Words as the fts extension splits them (PRAGMA create_fts_index ... lower = 1): lower-case, digits and
-- punctuation are separators; accents kept. The index refresh splits whole bodies with it and then folds each
-- distinct word with derived.tokenize(), which yields exactly derived.tokenize() of the body (accents and case are
-- folded character by character, the separators are ASCII) without stripping accents from every byte of every
-- body: strip_accents() was 40% of tokenising the bench's bodies.
CREATE OR REPLACE MACRO derived.split_words(s) AS
    string_split_regex(regexp_replace(lower(CAST(s AS VARCHAR)),
                                      '[0-9!@#$%^&*()_+={}\[\]:;<>,.?~\\/\|''''"`-]+', ' ', 'g'), '\s+');

-- The fts extension's tokenizer (... strip_accents = 1, lower = 1): the words above with accents stripped first.
-- search_articles() and the index refresh both use it.
CREATE OR REPLACE MACRO derived.tokenize(s) AS derived.split_words(strip_accents(CAST(s AS VARCHAR)));
