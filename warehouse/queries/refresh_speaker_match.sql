-- The texts of temp table refresh_classify (refresh_speaker_texts.sql) that one rule matches, added to temp table
-- refresh_matches: run by warehouse.fts once for each row of speaker_role_rules (kind 'role') and party_rules (kind
-- 'party'). Parameters: kind, rule_id, role_class or party, pattern. The pattern is bound, so it is compiled once;
-- read from a column (regexp_matches(text, r.pattern) in a join) it is compiled again for every row, about 50 µs
-- each: most of what classifying a thousand texts against nineteen rules used to cost.
INSERT INTO refresh_matches
SELECT text, ?, ?, ? FROM refresh_classify WHERE regexp_matches(text, ?);
