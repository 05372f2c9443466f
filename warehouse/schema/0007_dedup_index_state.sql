-- 0007: what the dedup index beside the warehouse needs to decide without reading `articles`.
-- Each dedup_signatures row now carries the cluster, story and first_seen its article had when the row was written,
-- and every merge of a cluster or a story is logged in dedup_merges, numbered from the same sequence: the index file
-- (<warehouse>.dedup.sqlite) catches up on both in seq order and so knows every article's current cluster and story.
-- Older rows keep NULLs there: the index reads those few values from `articles` when it meets them.

ALTER TABLE dedup_signatures ADD COLUMN cluster_id VARCHAR;
ALTER TABLE dedup_signatures ADD COLUMN story_id VARCHAR;
ALTER TABLE dedup_signatures ADD COLUMN first_seen TIMESTAMPTZ;
COMMENT ON COLUMN dedup_signatures.cluster_id IS 'The article''s cluster when this row was written (later merges: dedup_merges; the truth: articles.cluster_id).';
COMMENT ON COLUMN dedup_signatures.story_id IS 'The article''s story when this row was written (later merges: dedup_merges; the truth: articles.story_id).';
COMMENT ON COLUMN dedup_signatures.first_seen IS 'The article''s first_seen (UTC): the older canonical copy or story start wins a merge.';

CREATE TABLE dedup_merges (
    seq       BIGINT PRIMARY KEY DEFAULT nextval('dedup_signatures_seq'),
    kind      VARCHAR NOT NULL,
    from_id   VARCHAR NOT NULL,
    into_id   VARCHAR NOT NULL,
    merged_at TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE dedup_merges IS 'Every merge of a cluster or a story, in order: the dedup index replays them (dedup_clusters and dedup_stories keep the lineage analysts read).';
COMMENT ON COLUMN dedup_merges.seq IS 'Write number, from the same sequence as dedup_signatures.seq.';
COMMENT ON COLUMN dedup_merges.kind IS '''cluster'' or ''story''.';
COMMENT ON COLUMN dedup_merges.from_id IS 'The cluster_id or story_id absorbed.';
COMMENT ON COLUMN dedup_merges.into_id IS 'The cluster_id or story_id it was merged into.';
COMMENT ON COLUMN dedup_merges.merged_at IS 'When (UTC).';
