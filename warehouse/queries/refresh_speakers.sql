-- Re-derive speaker_roles and speakers from every quote and person role; curated speakers keep role_class and party.
-- Run after each ingest (warehouse.fts.refresh_search_index), inside one transaction.
-- No parameters: refreshed_at is the transaction's now().
DELETE FROM speaker_roles;
INSERT INTO speaker_roles
WITH texts AS (
    SELECT speaker_role AS role_text, count(*) AS uses FROM quotes WHERE speaker_role IS NOT NULL GROUP BY ALL
    UNION ALL
    SELECT role, count(*) FROM entities WHERE type = 'person' AND role IS NOT NULL GROUP BY ALL
), totals AS (
    SELECT role_text, sum(uses)::INTEGER AS uses FROM texts GROUP BY ALL
)
SELECT t.role_text,
       coalesce((SELECT arg_min(r.role_class, r.rule_id) FROM speaker_role_rules r
                 WHERE regexp_matches(t.role_text, r.pattern)), 'other') AS role_class,
       (SELECT arg_min(p.party, p.rule_id) FROM party_rules p WHERE regexp_matches(t.role_text, p.pattern)) AS party,
       t.uses
FROM totals t;

DELETE FROM speakers
WHERE NOT curated AND name NOT IN (SELECT speaker FROM quotes WHERE speaker IS NOT NULL);
UPDATE speakers SET quotes = 0, articles = 0, first_quoted = NULL, last_quoted = NULL, refreshed_at = now()
WHERE curated AND name NOT IN (SELECT speaker FROM quotes WHERE speaker IS NOT NULL);

INSERT INTO speakers (name, role_class, party, role_text, quotes, articles, first_quoted, last_quoted, curated,
                      refreshed_at)
WITH said AS (
    SELECT q.speaker AS name, count(*) AS quotes, count(DISTINCT q.article_id) AS articles,
           min(coalesce(a.published_at, a.first_seen)) AS first_quoted,
           max(coalesce(a.published_at, a.first_seen)) AS last_quoted
    FROM quotes q JOIN articles a USING (article_id)
    WHERE q.speaker IS NOT NULL
    GROUP BY ALL
), written AS (
    SELECT speaker AS name, speaker_role AS role_text, count(*) AS n
    FROM quotes WHERE speaker IS NOT NULL AND speaker_role IS NOT NULL GROUP BY ALL
    UNION ALL
    SELECT name, role, count(*) FROM entities
    WHERE type = 'person' AND role IS NOT NULL AND name IN (SELECT name FROM said) GROUP BY ALL
), classed AS (
    SELECT w.name, w.role_text, sum(w.n) AS n, any_value(r.role_class) AS role_class, any_value(r.party) AS party
    FROM written w JOIN speaker_roles r USING (role_text)
    GROUP BY ALL
), derived AS (
    SELECT name,
           arg_max(role_text, n) AS role_text,
           arg_max(role_class, n) FILTER (WHERE role_class <> 'other') AS role_class,
           arg_max(party, n) FILTER (WHERE party IS NOT NULL) AS party,
           bool_or(TRUE) AS has_role
    FROM classed GROUP BY ALL
)
SELECT s.name,
       coalesce(d.role_class,
                -- no role written: the name may say it (Home Office, Refugee Council)
                (SELECT arg_min(r.role_class, r.rule_id) FROM speaker_role_rules r
                 WHERE d.role_class IS NULL AND regexp_matches(s.name, r.pattern)),
                CASE WHEN d.has_role THEN 'other' ELSE 'unknown' END),
       coalesce(d.party, (SELECT arg_min(p.party, p.rule_id) FROM party_rules p
                          WHERE d.party IS NULL AND regexp_matches(s.name, p.pattern))),
       d.role_text, s.quotes, s.articles, s.first_quoted, s.last_quoted, FALSE, now()
FROM said s LEFT JOIN derived d USING (name)
ON CONFLICT (name) DO UPDATE SET
    role_class = CASE WHEN speakers.curated THEN speakers.role_class ELSE excluded.role_class END,
    party = CASE WHEN speakers.curated THEN speakers.party ELSE excluded.party END,
    role_text = CASE WHEN speakers.curated THEN coalesce(speakers.role_text, excluded.role_text)
                     ELSE excluded.role_text END,
    quotes = excluded.quotes, articles = excluded.articles,
    first_quoted = excluded.first_quoted, last_quoted = excluded.last_quoted,
    refreshed_at = excluded.refreshed_at;
