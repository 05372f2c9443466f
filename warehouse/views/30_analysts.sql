-- 30: the analysts' stable interface, re-created on every migrate. docs/analysts.md explains each view with examples.
-- Trend views count articles the way a reader would: an article and its copies (the same text at another URL or
-- outlet) count once ("articles"); "copies" counts every stored row. They leave out articles below the relevance
-- threshold (relevance_threshold(), 25_derived.sql) and articles whose text is not complete (status other than
-- 'full'); article_facts keeps everything.
-- Days are calendar days in London (Europe/London), from the publication time, or the time newsmon first saw the
-- article when the page gave no trustworthy date.
-- article_facts (migration 0003) and the derived.*_rows tables (migration 0006: each quote, figure, entity and topic
-- with its article's day, outlet and cluster key, in publication order) are kept current after each ingest by
-- warehouse.fts: a filter on a day, week or month then reads only the matching row groups, which keeps every trend
-- query fast at a million articles.

CREATE OR REPLACE VIEW trend_articles AS
SELECT * EXCLUDE (counted, revision) FROM article_facts WHERE counted;
COMMENT ON VIEW trend_articles IS 'The articles trend views count (relevant, complete text), copies included: count DISTINCT cluster_key.';
COMMENT ON COLUMN trend_articles.article_id IS 'As in article_facts.article_id.';
COMMENT ON COLUMN trend_articles.cluster_key IS 'As in article_facts.cluster_key.';
COMMENT ON COLUMN trend_articles.story_key IS 'As in article_facts.story_key.';
COMMENT ON COLUMN trend_articles.title IS 'As in article_facts.title.';
COMMENT ON COLUMN trend_articles.outlet IS 'As in article_facts.outlet.';
COMMENT ON COLUMN trend_articles.canonical_url IS 'As in article_facts.canonical_url.';
COMMENT ON COLUMN trend_articles.published IS 'As in article_facts.published.';
COMMENT ON COLUMN trend_articles.day IS 'As in article_facts.day.';
COMMENT ON COLUMN trend_articles.week IS 'As in article_facts.week.';
COMMENT ON COLUMN trend_articles.month IS 'As in article_facts.month.';
COMMENT ON COLUMN trend_articles.first_seen IS 'As in article_facts.first_seen.';
COMMENT ON COLUMN trend_articles.relevance IS 'As in article_facts.relevance.';
COMMENT ON COLUMN trend_articles.status IS 'As in article_facts.status.';

CREATE OR REPLACE VIEW daily_topic_counts AS
SELECT t.day, t.topic,
       count(DISTINCT t.cluster_key) AS articles,
       count(*) AS copies,
       count(DISTINCT t.outlet) AS outlets
FROM derived.topic_rows t
WHERE t.counted
GROUP BY ALL;
COMMENT ON VIEW daily_topic_counts IS 'Articles per topic per London day (copies counted once).';
COMMENT ON COLUMN daily_topic_counts.day IS 'London calendar day.';
COMMENT ON COLUMN daily_topic_counts.topic IS 'Topic slug (seeds/topics.toml).';
COMMENT ON COLUMN daily_topic_counts.articles IS 'Articles on the topic that day, an article and its copies counted once.';
COMMENT ON COLUMN daily_topic_counts.copies IS 'Stored rows, copies included.';
COMMENT ON COLUMN daily_topic_counts.outlets IS 'Outlets that published on the topic that day.';

CREATE OR REPLACE VIEW weekly_topic_counts AS
SELECT t.week, t.topic,
       count(DISTINCT t.cluster_key) AS articles,
       count(*) AS copies,
       count(DISTINCT t.outlet) AS outlets
FROM derived.topic_rows t
WHERE t.counted
GROUP BY ALL;
COMMENT ON VIEW weekly_topic_counts IS 'Articles per topic per week starting Monday (copies counted once).';
COMMENT ON COLUMN weekly_topic_counts.week IS 'Monday of the week (London).';
COMMENT ON COLUMN weekly_topic_counts.topic IS 'Topic slug.';
COMMENT ON COLUMN weekly_topic_counts.articles IS 'Articles on the topic that week, an article and its copies counted once.';
COMMENT ON COLUMN weekly_topic_counts.copies IS 'Stored rows, copies included.';
COMMENT ON COLUMN weekly_topic_counts.outlets IS 'Outlets that published on the topic that week.';

CREATE OR REPLACE VIEW daily_outlet_counts AS
SELECT f.day, f.outlet,
       count(DISTINCT f.cluster_key) AS articles,
       count(*) AS copies
FROM trend_articles f
GROUP BY ALL;
COMMENT ON VIEW daily_outlet_counts IS 'Relevant articles per outlet per London day.';
COMMENT ON COLUMN daily_outlet_counts.day IS 'London calendar day.';
COMMENT ON COLUMN daily_outlet_counts.outlet IS 'Publishing outlet.';
COMMENT ON COLUMN daily_outlet_counts.articles IS 'Articles the outlet published that day, copies of one text counted once.';
COMMENT ON COLUMN daily_outlet_counts.copies IS 'Stored rows, copies included.';

CREATE OR REPLACE VIEW daily_story_counts AS
SELECT f.day, f.story_key,
       arg_min(f.title, (f.published, f.article_id)) AS title,
       count(DISTINCT f.cluster_key) AS articles,
       count(*) AS copies,
       count(DISTINCT f.outlet) AS outlets,
       list(DISTINCT f.outlet ORDER BY f.outlet) FILTER (WHERE f.outlet IS NOT NULL) AS outlet_list
FROM trend_articles f
GROUP BY f.day, f.story_key;
COMMENT ON VIEW daily_story_counts IS 'Articles per story per London day: how long a story runs and how widely it is carried.';
COMMENT ON COLUMN daily_story_counts.day IS 'London calendar day.';
COMMENT ON COLUMN daily_story_counts.story_key IS 'The story (article_facts.story_key).';
COMMENT ON COLUMN daily_story_counts.title IS 'Headline of its earliest article that day.';
COMMENT ON COLUMN daily_story_counts.articles IS 'Articles on the story that day, copies counted once.';
COMMENT ON COLUMN daily_story_counts.copies IS 'Stored rows, copies included.';
COMMENT ON COLUMN daily_story_counts.outlets IS 'Outlets carrying the story that day.';
COMMENT ON COLUMN daily_story_counts.outlet_list IS 'Those outlets, by name.';

CREATE OR REPLACE VIEW mentions AS
SELECT e.article_id, e.cluster_key, e.name, e.type, e.role, e.mentions, e.day, e.week, e.month, e.outlet, e.counted
FROM derived.entity_rows e;
COMMENT ON VIEW mentions IS 'Every person, organisation and place named in every article, with the article''s day and outlet.';
COMMENT ON COLUMN mentions.article_id IS 'The article.';
COMMENT ON COLUMN mentions.cluster_key IS 'Count DISTINCT cluster_key to count articles, not copies.';
COMMENT ON COLUMN mentions.name IS 'Canonical name: Kemi Badenoch, Home Office, ECHR.';
COMMENT ON COLUMN mentions.type IS 'person, org or place.';
COMMENT ON COLUMN mentions.role IS 'Role written beside the name in this article.';
COMMENT ON COLUMN mentions.mentions IS 'How many times this article mentions it.';
COMMENT ON COLUMN mentions.day IS 'London calendar day of the article.';
COMMENT ON COLUMN mentions.week IS 'Monday of the week.';
COMMENT ON COLUMN mentions.month IS 'First day of the month.';
COMMENT ON COLUMN mentions.outlet IS 'Publishing outlet.';
COMMENT ON COLUMN mentions.counted IS 'TRUE when trend views count the article (relevant, full text).';

CREATE OR REPLACE VIEW entity_mentions_daily AS
SELECT m.day, m.name, m.type,
       count(DISTINCT m.cluster_key) AS articles,
       sum(m.mentions)::BIGINT AS mentions,
       count(DISTINCT m.outlet) AS outlets
FROM mentions m
WHERE m.counted
GROUP BY ALL;
COMMENT ON VIEW entity_mentions_daily IS 'How often each person, organisation and place is named per London day, in relevant articles.';
COMMENT ON COLUMN entity_mentions_daily.day IS 'London calendar day.';
COMMENT ON COLUMN entity_mentions_daily.name IS 'Canonical name.';
COMMENT ON COLUMN entity_mentions_daily.type IS 'person, org or place.';
COMMENT ON COLUMN entity_mentions_daily.articles IS 'Articles naming it, copies counted once.';
COMMENT ON COLUMN entity_mentions_daily.mentions IS 'Mentions in all those articles, copies included.';
COMMENT ON COLUMN entity_mentions_daily.outlets IS 'Outlets naming it that day.';

CREATE OR REPLACE VIEW quote_facts AS
SELECT q.article_id, q.cluster_key, q.seq, q.speaker,
       coalesce(s.role_class, r.role_class, CASE WHEN q.speaker_role IS NULL THEN 'unknown' ELSE 'other' END)
           AS role_class,
       coalesce(s.party, r.party) AS party,
       q.speaker_role, q.text, q.kind, q.cue,
       q.day, q.week, q.month, q.outlet, q.title, q.canonical_url, q.counted
FROM derived.quote_rows q
LEFT JOIN speakers s ON s.name = q.speaker
LEFT JOIN speaker_roles r ON r.role_text = q.speaker_role;
COMMENT ON VIEW quote_facts IS 'Every quote with its speaker''s role class and party, the article''s day, outlet and headline.';
COMMENT ON COLUMN quote_facts.article_id IS 'The article.';
COMMENT ON COLUMN quote_facts.cluster_key IS 'Count DISTINCT (cluster_key, text) to count quotes, not copies.';
COMMENT ON COLUMN quote_facts.seq IS 'Order of the quote in the article.';
COMMENT ON COLUMN quote_facts.speaker IS 'Canonical speaker name; NULL when unattributable.';
COMMENT ON COLUMN quote_facts.role_class IS 'minister, opposition, politician, official, ngo, expert, migrant, media, public, other or unknown (from speakers, else from the role written beside the quote).';
COMMENT ON COLUMN quote_facts.party IS 'Speaker''s party when known.';
COMMENT ON COLUMN quote_facts.speaker_role IS 'The role as written beside the quote.';
COMMENT ON COLUMN quote_facts.text IS 'The quoted words.';
COMMENT ON COLUMN quote_facts.kind IS 'direct, partial or indirect.';
COMMENT ON COLUMN quote_facts.cue IS 'Speech verb.';
COMMENT ON COLUMN quote_facts.day IS 'London calendar day of the article.';
COMMENT ON COLUMN quote_facts.week IS 'Monday of the week.';
COMMENT ON COLUMN quote_facts.month IS 'First day of the month.';
COMMENT ON COLUMN quote_facts.outlet IS 'Publishing outlet.';
COMMENT ON COLUMN quote_facts.title IS 'Headline of the article.';
COMMENT ON COLUMN quote_facts.canonical_url IS 'Identity URL of the article.';
COMMENT ON COLUMN quote_facts.counted IS 'TRUE when trend views count the article (relevant, full text).';

CREATE OR REPLACE VIEW speaker_quotes_daily AS
SELECT q.day, q.speaker, q.role_class, q.party, q.outlet,
       count(DISTINCT (q.cluster_key, q.text)) AS quotes,
       count(DISTINCT q.cluster_key) AS articles,
       count(*) AS copies
FROM quote_facts q
WHERE q.counted AND q.speaker IS NOT NULL
GROUP BY ALL;
COMMENT ON VIEW speaker_quotes_daily IS 'Quotes per named speaker per outlet per London day, in relevant articles.';
COMMENT ON COLUMN speaker_quotes_daily.day IS 'London calendar day.';
COMMENT ON COLUMN speaker_quotes_daily.speaker IS 'Canonical speaker name.';
COMMENT ON COLUMN speaker_quotes_daily.role_class IS 'Speaker''s role class.';
COMMENT ON COLUMN speaker_quotes_daily.party IS 'Speaker''s party when known.';
COMMENT ON COLUMN speaker_quotes_daily.outlet IS 'Outlet that printed the quotes.';
COMMENT ON COLUMN speaker_quotes_daily.quotes IS 'Distinct quotes, a quote repeated in a copy counted once.';
COMMENT ON COLUMN speaker_quotes_daily.articles IS 'Articles quoting the speaker, copies counted once.';
COMMENT ON COLUMN speaker_quotes_daily.copies IS 'Quote rows, copies included.';

CREATE OR REPLACE VIEW figure_citations AS
SELECT g.article_id, g.cluster_key, g.seq, g.value, g.unit, g.text, g.subject, g.source, g.change, g.baseline,
       g.approximate, g.day, g.week, g.month, g.outlet, g.title, g.canonical_url, g.counted
FROM derived.figure_rows g;
COMMENT ON VIEW figure_citations IS 'Every numeric claim with the article''s day, outlet and headline.';
COMMENT ON COLUMN figure_citations.article_id IS 'The article.';
COMMENT ON COLUMN figure_citations.cluster_key IS 'Count DISTINCT cluster_key to count articles, not copies.';
COMMENT ON COLUMN figure_citations.seq IS 'Order of the figure in the article.';
COMMENT ON COLUMN figure_citations.value IS 'The number.';
COMMENT ON COLUMN figure_citations.unit IS 'people, percent, GBP, boats, count, ...';
COMMENT ON COLUMN figure_citations.text IS 'The claim as written.';
COMMENT ON COLUMN figure_citations.subject IS 'What the number counts.';
COMMENT ON COLUMN figure_citations.source IS 'Who the figure is attributed to (Home Office figures, a speaker).';
COMMENT ON COLUMN figure_citations.change IS 'increase or decrease when the claim is a change.';
COMMENT ON COLUMN figure_citations.baseline IS 'The comparison period of a change.';
COMMENT ON COLUMN figure_citations.approximate IS 'TRUE for hedged numbers.';
COMMENT ON COLUMN figure_citations.day IS 'London calendar day of the article.';
COMMENT ON COLUMN figure_citations.week IS 'Monday of the week.';
COMMENT ON COLUMN figure_citations.month IS 'First day of the month.';
COMMENT ON COLUMN figure_citations.outlet IS 'Publishing outlet.';
COMMENT ON COLUMN figure_citations.title IS 'Headline.';
COMMENT ON COLUMN figure_citations.canonical_url IS 'Identity URL of the article.';
COMMENT ON COLUMN figure_citations.counted IS 'TRUE when trend views count the article (relevant, full text).';

CREATE OR REPLACE VIEW figures_tracker AS
SELECT c.value, c.unit,
       mode(c.subject) AS subject,
       min(c.text) AS example,
       count(DISTINCT c.cluster_key) AS articles,
       count(*) AS copies,
       count(DISTINCT c.outlet) AS outlets,
       list(DISTINCT c.outlet ORDER BY c.outlet) FILTER (WHERE c.outlet IS NOT NULL) AS outlet_list,
       list(DISTINCT c.source ORDER BY c.source) FILTER (WHERE c.source IS NOT NULL) AS cited_by,
       min(c.day) AS first_day,
       max(c.day) AS last_day
FROM figure_citations c
WHERE c.counted
GROUP BY c.value, c.unit;
COMMENT ON VIEW figures_tracker IS 'The same figure (value and unit) across outlets and dates, with who it was attributed to: which numbers are repeated, and by whom.';
COMMENT ON COLUMN figures_tracker.value IS 'The number.';
COMMENT ON COLUMN figures_tracker.unit IS 'Its unit.';
COMMENT ON COLUMN figures_tracker.subject IS 'What it counts, as most often written.';
COMMENT ON COLUMN figures_tracker.example IS 'One way it was written.';
COMMENT ON COLUMN figures_tracker.articles IS 'Articles citing it, copies counted once.';
COMMENT ON COLUMN figures_tracker.copies IS 'Citations, copies included.';
COMMENT ON COLUMN figures_tracker.outlets IS 'Outlets that printed it.';
COMMENT ON COLUMN figures_tracker.outlet_list IS 'Those outlets, by name.';
COMMENT ON COLUMN figures_tracker.cited_by IS 'Whom the articles attributed it to (Home Office figures, a speaker).';
COMMENT ON COLUMN figures_tracker.first_day IS 'First London day it appeared.';
COMMENT ON COLUMN figures_tracker.last_day IS 'Last London day it appeared.';

CREATE OR REPLACE VIEW voice_balance AS
SELECT q.month, q.outlet, q.role_class, q.party,
       count(DISTINCT (q.cluster_key, q.text)) AS quotes,
       count(DISTINCT q.speaker) AS speakers,
       round(count(DISTINCT (q.cluster_key, q.text))
             / sum(count(DISTINCT (q.cluster_key, q.text))) OVER (PARTITION BY q.month, q.outlet), 3) AS share
FROM quote_facts q
WHERE q.counted
GROUP BY q.month, q.outlet, q.role_class, q.party;
COMMENT ON VIEW voice_balance IS 'Who gets a voice: quotes per speaker role class and party, per outlet and month, with the share of that outlet''s quotes.';
COMMENT ON COLUMN voice_balance.month IS 'First day of the month (London).';
COMMENT ON COLUMN voice_balance.outlet IS 'Publishing outlet.';
COMMENT ON COLUMN voice_balance.role_class IS 'minister, opposition, politician, official, ngo, expert, migrant, media, public, other or unknown.';
COMMENT ON COLUMN voice_balance.party IS 'Party when known, else NULL.';
COMMENT ON COLUMN voice_balance.quotes IS 'Distinct quotes (copies counted once).';
COMMENT ON COLUMN voice_balance.speakers IS 'Distinct named speakers.';
COMMENT ON COLUMN voice_balance.share IS 'quotes divided by all of the outlet''s quotes that month (0..1).';

CREATE OR REPLACE MACRO new_since(since, min_relevance := relevance_threshold()) AS TABLE
SELECT a.article_id, a.title, a.outlet, a.canonical_url, a.published_at, a.first_seen, a.last_seen, a.revision,
       a.relevance, a.status, a.same_text_as,
       CASE WHEN a.first_seen > since THEN 'new' ELSE 'revised' END AS change
FROM articles a
WHERE a.relevance >= min_relevance
  AND (a.first_seen > since
       OR (a.revision > 1 AND a.article_id IN (SELECT r.article_id FROM article_revisions r
                                               WHERE r.revision > 1 AND r.fetched_at > since)))
ORDER BY a.first_seen, a.article_id;
COMMENT ON MACRO TABLE new_since IS 'new_since(ts [, min_relevance := 0.3]): articles first stored after ts (change = new) or revised after it (change = revised), for digests. Copies included: same_text_as names the original.';
