-- Re-derive article_facts and the derived.*_rows tables for the articles in temp table refresh_changed
-- (refresh_changed_articles.sql) only: their old rows go, their current rows are appended in publication order.
-- New articles are the latest, so the tables stay (nearly) in time order; a full rebuild re-sorts them.
-- The columns are those of the derived.*_rows_source views (warehouse/views/25_derived.sql), which the full rebuild
-- reads; here the changed articles' facts are joined first (a temp table of a few rows), which is what keeps this
-- cheap at a million articles; old rows are found by their publication time first (zonemaps), then by id.
-- tests/warehouse/test_fts.py checks that both paths leave the same rows.
DELETE FROM article_facts WHERE article_id IN (SELECT article_id FROM refresh_changed);
INSERT INTO article_facts BY NAME
SELECT * FROM derived.article_facts_source
WHERE article_id IN (SELECT article_id FROM refresh_changed WHERE NOT gone)
ORDER BY published, article_id;

CREATE OR REPLACE TEMP TABLE refresh_facts AS
SELECT * FROM article_facts WHERE article_id IN (SELECT article_id FROM refresh_changed WHERE NOT gone);

-- The changed articles' quotes and people as they were: subtracted from speaker_counts and role_counts below.
CREATE OR REPLACE TEMP TABLE refresh_old_quotes AS
SELECT speaker, speaker_role, article_id, published FROM derived.quote_rows
WHERE published IN (SELECT old_published FROM refresh_changed)
    AND article_id IN (SELECT article_id FROM refresh_changed);
CREATE OR REPLACE TEMP TABLE refresh_old_people AS
SELECT name, role FROM derived.entity_rows
WHERE type = 'person' AND role IS NOT NULL AND published IN (SELECT old_published FROM refresh_changed)
    AND article_id IN (SELECT article_id FROM refresh_changed);

DELETE FROM derived.quote_rows WHERE published IN (SELECT old_published FROM refresh_changed)
    AND article_id IN (SELECT article_id FROM refresh_changed);
CREATE OR REPLACE TEMP TABLE refresh_new_quotes AS
SELECT q.article_id, q.seq, f.cluster_key, q.speaker, q.speaker_role, q.text, q.kind, q.cue,
       f.published, f.day, f.week, f.month, f.outlet, f.title, f.canonical_url, f.counted
FROM quotes q JOIN refresh_facts f USING (article_id);
INSERT INTO derived.quote_rows BY NAME
SELECT * FROM refresh_new_quotes ORDER BY published, article_id, seq;

DELETE FROM derived.figure_rows WHERE published IN (SELECT old_published FROM refresh_changed)
    AND article_id IN (SELECT article_id FROM refresh_changed);
INSERT INTO derived.figure_rows BY NAME
SELECT g.article_id, g.seq, f.cluster_key, g.value, g.unit, g.text, g.subject, g.source, g.change, g.baseline,
       g.approximate, f.published, f.day, f.week, f.month, f.outlet, f.title, f.canonical_url, f.counted
FROM figures g JOIN refresh_facts f USING (article_id)
ORDER BY f.published, g.article_id, g.seq;

DELETE FROM derived.entity_rows WHERE published IN (SELECT old_published FROM refresh_changed)
    AND article_id IN (SELECT article_id FROM refresh_changed);
CREATE OR REPLACE TEMP TABLE refresh_new_entities AS
SELECT e.article_id, f.cluster_key, e.name, e.type, e.role, e.mentions,
       f.published, f.day, f.week, f.month, f.outlet, f.counted
FROM entities e JOIN refresh_facts f USING (article_id);
INSERT INTO derived.entity_rows BY NAME
SELECT * FROM refresh_new_entities ORDER BY published, article_id, name, type;

DELETE FROM derived.topic_rows WHERE published IN (SELECT old_published FROM refresh_changed)
    AND article_id IN (SELECT article_id FROM refresh_changed);
INSERT INTO derived.topic_rows BY NAME
SELECT t.article_id, t.topic, f.cluster_key, f.published, f.day, f.week, f.month, f.outlet, f.counted
FROM topics t JOIN refresh_facts f USING (article_id)
ORDER BY f.published, t.article_id, t.topic;

-- speaker_counts: + the changed articles' quotes now, - as they were. A first or last publication time that may
-- have left with the old rows is re-read for that speaker only.
CREATE OR REPLACE TEMP TABLE refresh_speaker_delta AS
WITH now_said AS (
    SELECT speaker, count(*) AS quotes, count(DISTINCT article_id) AS articles, min(published) AS lo,
           max(published) AS hi
    FROM refresh_new_quotes WHERE speaker IS NOT NULL GROUP BY ALL
), was_said AS (
    SELECT speaker, count(*) AS quotes, count(DISTINCT article_id) AS articles, min(published) AS lo,
           max(published) AS hi
    FROM refresh_old_quotes WHERE speaker IS NOT NULL GROUP BY ALL
)
SELECT speaker, coalesce(n.quotes, 0) - coalesce(o.quotes, 0) AS quotes,
       coalesce(n.articles, 0) - coalesce(o.articles, 0) AS articles, n.lo, n.hi, o.lo AS old_lo, o.hi AS old_hi
FROM now_said n FULL JOIN was_said o USING (speaker);
INSERT INTO derived.speaker_counts
SELECT speaker, 0, 0, NULL, NULL FROM refresh_speaker_delta
WHERE speaker NOT IN (SELECT speaker FROM derived.speaker_counts);
UPDATE derived.speaker_counts AS c
SET quotes = c.quotes + d.quotes, articles = c.articles + d.articles,
    first_quoted = CASE WHEN d.old_lo <= c.first_quoted THEN NULL ELSE least(c.first_quoted, d.lo) END,
    last_quoted = CASE WHEN d.old_hi >= c.last_quoted THEN NULL ELSE greatest(c.last_quoted, d.hi) END
FROM refresh_speaker_delta d WHERE c.speaker = d.speaker;
DELETE FROM derived.speaker_counts WHERE quotes <= 0;
UPDATE derived.speaker_counts AS c SET first_quoted = x.lo, last_quoted = x.hi
FROM (SELECT speaker, min(published) AS lo, max(published) AS hi FROM derived.quote_rows
      WHERE speaker IN (SELECT speaker FROM derived.speaker_counts WHERE first_quoted IS NULL OR last_quoted IS NULL)
      GROUP BY ALL) x
WHERE c.speaker = x.speaker;

-- role_counts: the same, for role texts written beside quotes and people.
CREATE OR REPLACE TEMP TABLE refresh_role_delta AS
SELECT name, role_text, source, sum(n) AS n
FROM (SELECT coalesce(speaker, '') AS name, speaker_role AS role_text, 'quote' AS source, 1 AS n
      FROM refresh_new_quotes WHERE speaker_role IS NOT NULL
      UNION ALL
      SELECT coalesce(speaker, ''), speaker_role, 'quote', -1 FROM refresh_old_quotes WHERE speaker_role IS NOT NULL
      UNION ALL
      SELECT name, role, 'person', 1 FROM refresh_new_entities WHERE type = 'person' AND role IS NOT NULL
      UNION ALL
      SELECT name, role, 'person', -1 FROM refresh_old_people)
GROUP BY ALL HAVING sum(n) <> 0;
INSERT INTO derived.role_counts
SELECT d.name, d.role_text, d.source, 0 FROM refresh_role_delta d
ANTI JOIN derived.role_counts c ON c.name = d.name AND c.role_text = d.role_text AND c.source = d.source;
UPDATE derived.role_counts AS c SET uses = c.uses + d.n
FROM refresh_role_delta d WHERE c.name = d.name AND c.role_text = d.role_text AND c.source = d.source;
DELETE FROM derived.role_counts WHERE uses <= 0;

-- What refresh_speakers.sql re-derives: the names whose counts or role texts moved, and the role texts whose uses did.
CREATE OR REPLACE TEMP TABLE refresh_speaker_names AS
SELECT speaker AS name FROM refresh_speaker_delta
UNION
SELECT name FROM refresh_role_delta WHERE name <> '';
CREATE OR REPLACE TEMP TABLE refresh_role_texts AS
SELECT DISTINCT role_text FROM refresh_role_delta;

DROP TABLE refresh_speaker_delta;
DROP TABLE refresh_role_delta;
DROP TABLE refresh_old_quotes;
DROP TABLE refresh_old_people;
DROP TABLE refresh_new_quotes;
DROP TABLE refresh_new_entities;
DROP TABLE refresh_facts;
