-- Re-derive speaker_roles and speakers for the role texts and names refresh_speaker_texts.sql named, from the
-- counts of role texts and quotes (derived.role_counts and derived.speaker_counts: refresh_speaker_counts.sql /
-- refresh_changed_facts.sql keep them) and the rules' matches (temp table refresh_matches, refresh_speaker_match.sql):
-- the matching rule with the lowest rule_id wins. Curated speakers keep role_class and party. Inside the refresh's
-- transaction (warehouse.fts). No parameters: refreshed_at is the transaction's now().
-- tests/warehouse/test_refresh_speakers.py checks that the incremental and the full re-derivation leave the same rows.
CREATE OR REPLACE TEMP TABLE refresh_classes AS
SELECT text,
       arg_min(value, rule_id) FILTER (WHERE kind = 'role') AS role_class,
       arg_min(value, rule_id) FILTER (WHERE kind = 'party') AS party
FROM refresh_matches GROUP BY text;

INSERT INTO speaker_roles
SELECT t.role_text, coalesce(c.role_class, 'other'), c.party, t.uses
FROM refresh_role_totals t LEFT JOIN refresh_classes c ON c.text = t.role_text
WHERE t.uses IS NOT NULL AND t.role_text NOT IN (SELECT role_text FROM speaker_roles);

DELETE FROM speakers
WHERE NOT curated AND name IN (SELECT name FROM refresh_speaker_names) AND name NOT IN (SELECT name FROM refresh_said);
UPDATE speakers SET quotes = 0, articles = 0, first_quoted = NULL, last_quoted = NULL, refreshed_at = now()
WHERE curated AND name IN (SELECT name FROM refresh_speaker_names) AND name NOT IN (SELECT name FROM refresh_said);

INSERT INTO speakers (name, role_class, party, role_text, quotes, articles, first_quoted, last_quoted, curated,
                      refreshed_at)
WITH written AS (
    SELECT name, role_text, uses AS n FROM derived.role_counts
    WHERE source = 'quote' AND name <> '' AND name IN (SELECT name FROM refresh_said)
    UNION ALL
    SELECT name, role_text, uses FROM derived.role_counts
    WHERE source = 'person' AND name IN (SELECT name FROM refresh_said)
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
                c.role_class,  -- no role written: the name may say it (Home Office, Refugee Council)
                CASE WHEN d.has_role THEN 'other' ELSE 'unknown' END),
       coalesce(d.party, c.party),
       d.role_text, s.quotes, s.articles, s.first_quoted, s.last_quoted, FALSE, now()
FROM refresh_said s LEFT JOIN by_name d USING (name) LEFT JOIN refresh_classes c ON c.text = s.name
ON CONFLICT (name) DO UPDATE SET
    role_class = CASE WHEN speakers.curated THEN speakers.role_class ELSE excluded.role_class END,
    party = CASE WHEN speakers.curated THEN speakers.party ELSE excluded.party END,
    role_text = CASE WHEN speakers.curated THEN coalesce(speakers.role_text, excluded.role_text)
                     ELSE excluded.role_text END,
    quotes = excluded.quotes, articles = excluded.articles,
    first_quoted = excluded.first_quoted, last_quoted = excluded.last_quoted,
    refreshed_at = excluded.refreshed_at;

DROP TABLE refresh_classes;
DROP TABLE refresh_matches;
DROP TABLE refresh_classify;
DROP TABLE refresh_role_totals;
DROP TABLE refresh_said;
DROP TABLE refresh_role_texts;
DROP TABLE refresh_speaker_names;
