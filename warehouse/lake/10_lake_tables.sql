-- Tables only the DuckLake backend has (warehouse/backend.py). Re-run on every migrate: IF NOT EXISTS.
CREATE TABLE IF NOT EXISTS lake_writes (
    writes        BIGINT NOT NULL,
    last_write_at TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE lake_writes IS 'One row that every publish and merge transaction updates: two writers that overlap conflict on it, so DuckLake makes the later one retry against the new snapshot (publish enforces the keys the lake cannot declare).';
COMMENT ON COLUMN lake_writes.writes IS 'Committed write transactions so far.';
COMMENT ON COLUMN lake_writes.last_write_at IS 'When the last one started (UTC).';

CREATE TABLE IF NOT EXISTS lake_merge_state (
    pass_id       VARCHAR NOT NULL,
    high_water    BIGINT NOT NULL,
    articles      INTEGER NOT NULL,
    merges        INTEGER NOT NULL,
    merged_at     TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE lake_merge_state IS 'Every cluster-merge pass: the dedup_signatures.seq it covered up to, how many new articles it checked against the whole lake, and how many clusters it merged.';
COMMENT ON COLUMN lake_merge_state.pass_id IS 'The pass (the parent flow run id).';
COMMENT ON COLUMN lake_merge_state.high_water IS 'Highest dedup_signatures.seq checked; the next pass starts above it.';
COMMENT ON COLUMN lake_merge_state.articles IS 'Articles checked in this pass.';
COMMENT ON COLUMN lake_merge_state.merges IS 'Clusters merged into another in this pass.';
COMMENT ON COLUMN lake_merge_state.merged_at IS 'When the pass committed (UTC).';

CREATE TABLE IF NOT EXISTS lake_schema (
    views_fingerprint VARCHAR NOT NULL,
    views_created_at  TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE lake_schema IS 'Hash of the analysts'' views (warehouse/views/*.sql) last created in the lake: migrate re-creates them only when it changes.';
COMMENT ON COLUMN lake_schema.views_fingerprint IS 'sha256 of the views'' statements, first 16 hex digits.';
COMMENT ON COLUMN lake_schema.views_created_at IS 'When they were (re)created (UTC).';
