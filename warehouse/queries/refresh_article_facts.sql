-- Re-derive article_facts and the derived.*_rows tables from scratch (warehouse/views/25_derived.sql says how), in
-- publication order so that a filter on day, week or month reads only the matching row groups. Run by a full
-- rebuild (warehouse.fts.build_search_index, nightly maintenance) and by the DuckLake merge pass, inside one
-- transaction; after an ingest refresh_changed_facts.sql re-derives only the articles that changed.
DELETE FROM article_facts;
INSERT INTO article_facts BY NAME
SELECT * FROM derived.article_facts_source ORDER BY published, article_id;

DELETE FROM derived.quote_rows;
INSERT INTO derived.quote_rows BY NAME
SELECT * FROM derived.quote_rows_source ORDER BY published, article_id, seq;

DELETE FROM derived.figure_rows;
INSERT INTO derived.figure_rows BY NAME
SELECT * FROM derived.figure_rows_source ORDER BY published, article_id, seq;

DELETE FROM derived.entity_rows;
INSERT INTO derived.entity_rows BY NAME
SELECT * FROM derived.entity_rows_source ORDER BY published, article_id, name, type;

DELETE FROM derived.topic_rows;
INSERT INTO derived.topic_rows BY NAME
SELECT * FROM derived.topic_rows_source ORDER BY published, article_id, topic;
