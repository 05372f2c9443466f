-- Re-derive speaker_roles and speakers from the counts of role texts and quotes (derived.role_counts and
-- derived.speaker_counts: refresh_speaker_counts.sql / refresh_changed_facts.sql keep them); curated speakers keep
-- role_class and party. Run after each ingest (warehouse.fts.refresh_search_index), inside one transaction.
-- No parameters: refreshed_at is the transaction's now().
DELETE FROM speaker_roles;
INSERT INTO speaker_roles
WITH totals AS (
    SELECT role_text, sum(uses)::INTEGER AS uses FROM derived.role_counts GROUP BY ALL
)
SELECT t.role_text,
       coalesce((SELECT arg_min(r.role_class, r.rule_id) FROM speaker_role_rules r
                 WHERE regexp_matches(t.role_text, r.pattern)), 'other') AS role_class,
       (SELECT arg_min(p.party, p.rule_id) FROM party_rules p WHERE regexp_matches(t.role_text, p.pattern)) AS party,
       t.uses
FROM totals t;

DELETE FROM speakers
WHERE NOT curated AND name NOT IN (SELECT speaker FROM derived.speaker_counts);
UPDATE speakers SET quotes = 0, articles = 0, first_quoted = NULL, last_quoted = NULL, refreshed_at = now()
WHERE curated AND name NOT IN (SELECT speaker FROM derived.speaker_counts);

INSERT INTO speakers (name, role_class, party, role_text, quotes, articles, first_quoted, last_quoted, curated,
                      refreshed_at)
WITH said AS (
    SELECT speaker AS name, quotes, articles, first_quoted, last_quoted FROM derived.speaker_counts
), written AS (
    SELECT name, role_text, uses AS n FROM derived.role_counts WHERE source = 'quote' AND name <> ''
    UNION ALL
    SELECT name, role_text, uses FROM derived.role_counts WHERE source = 'person' AND name IN (SELECT name FROM said)
), classed AS (
    SELECT w.name, w.role_text, sum(w.n) AS n, any_value(r.role_class) AS role_class, any_value(r.party) AS party,
           dense_rank() OVER (PARTITION BY w.name ORDER BY w.role_text) AS rank
    FROM written w JOIN speaker_roles r USING (role_text)
    GROUP BY w.name, w.role_text
), by_name AS (  -- the most written role wins; a tie goes to the role text first in alphabetical order
    SELECT name,
           arg_max(role_text, (n, -rank)) AS role_text,
           arg_max(role_class, (n, -rank)) FILTER (WHERE role_class <> 'other') AS role_class,
           arg_max(party, (n, -rank)) FILTER (WHERE party IS NOT NULL) AS party,
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
FROM said s LEFT JOIN by_name d USING (name)
ON CONFLICT (name) DO UPDATE SET
    role_class = CASE WHEN speakers.curated THEN speakers.role_class ELSE excluded.role_class END,
    party = CASE WHEN speakers.curated THEN speakers.party ELSE excluded.party END,
    role_text = CASE WHEN speakers.curated THEN coalesce(speakers.role_text, excluded.role_text)
                     ELSE excluded.role_text END,
    quotes = excluded.quotes, articles = excluded.articles,
    first_quoted = excluded.first_quoted, last_quoted = excluded.last_quoted,
    refreshed_at = excluded.refreshed_at;
