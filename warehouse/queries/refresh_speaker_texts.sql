-- First step of re-deriving speaker_roles and speakers (refresh_speakers.sql) for the role texts in temp table
-- refresh_role_texts (role_text) and the names in temp table refresh_speaker_names (name). After an ingest they hold
-- what the changed articles' quotes and people touched (refresh_changed_facts.sql), so the cost follows the ingest,
-- not the warehouse: a speakers row depends only on its own name's counts and role texts, and a role text's class
-- and party only on the text and the rules. A full re-derivation (warehouse.fts: rules or speakers edited, nightly
-- rebuild) empties speaker_roles first and names every speaker and role text.
-- Here: role texts no longer written go, the others get their new number of uses, and temp table refresh_classify
-- lists the texts the rules must classify: role texts never seen before and the names (a name with no role written
-- may say it: Home Office). refresh_speaker_match.sql then fills refresh_matches, one rule at a time.
CREATE OR REPLACE TEMP TABLE refresh_role_totals AS
SELECT t.role_text, sum(c.uses)::INTEGER AS uses  -- NULL: no longer written anywhere
FROM (SELECT DISTINCT role_text FROM refresh_role_texts) t
LEFT JOIN derived.role_counts c USING (role_text)
GROUP BY ALL;

DELETE FROM speaker_roles WHERE role_text IN (SELECT role_text FROM refresh_role_totals WHERE uses IS NULL);
UPDATE speaker_roles AS r SET uses = t.uses
FROM refresh_role_totals t WHERE r.role_text = t.role_text AND t.uses IS NOT NULL AND r.uses <> t.uses;

CREATE OR REPLACE TEMP TABLE refresh_said AS
SELECT speaker AS name, quotes, articles, first_quoted, last_quoted FROM derived.speaker_counts
WHERE speaker IN (SELECT name FROM refresh_speaker_names);

CREATE OR REPLACE TEMP TABLE refresh_classify AS
SELECT role_text AS text FROM refresh_role_totals
WHERE uses IS NOT NULL AND role_text NOT IN (SELECT role_text FROM speaker_roles)
UNION
SELECT name FROM refresh_said;

CREATE OR REPLACE TEMP TABLE refresh_matches (text VARCHAR, kind VARCHAR, rule_id INTEGER, value VARCHAR);
