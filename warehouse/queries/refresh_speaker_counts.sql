-- Re-count derived.speaker_counts and derived.role_counts from every quote and person row (a full rebuild, after the
-- derived.*_rows are current). After an ingest refresh_changed_facts.sql adjusts them by the changed articles only.
DELETE FROM derived.speaker_counts;
INSERT INTO derived.speaker_counts
SELECT speaker, count(*), count(DISTINCT article_id), min(published), max(published)
FROM derived.quote_rows WHERE speaker IS NOT NULL GROUP BY speaker;

DELETE FROM derived.role_counts;
INSERT INTO derived.role_counts
SELECT coalesce(speaker, ''), speaker_role, 'quote', count(*)
FROM derived.quote_rows WHERE speaker_role IS NOT NULL GROUP BY ALL
UNION ALL
SELECT name, role, 'person', count(*)
FROM derived.entity_rows WHERE type = 'person' AND role IS NOT NULL GROUP BY ALL;
