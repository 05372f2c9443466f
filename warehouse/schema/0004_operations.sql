-- 0004: unattended operation: adaptive feed pacing, feed retirement, run locks (no overlapping writers).

ALTER TABLE feeds ADD COLUMN poll_interval_s INTEGER;
ALTER TABLE feeds ADD COLUMN last_success_at TIMESTAMPTZ;
ALTER TABLE feeds ADD COLUMN disabled_at TIMESTAMPTZ;
COMMENT ON COLUMN feeds.poll_interval_s IS 'Adaptive poll interval in seconds: shorter when many entries were new, longer when none were; scheduled runs poll the feed once last_polled_at + this has passed.';
COMMENT ON COLUMN feeds.last_success_at IS 'When the feed last answered usably (200 or 304, UTC).';
COMMENT ON COLUMN feeds.disabled_at IS 'When the feed was disabled (after too many failures in a row, or by `newsmon feeds disable`); NULL when enabled.';
COMMENT ON COLUMN feeds.next_poll_at IS 'Earliest time the feed may be polled again after a failure (exponential backoff with jitter, or the server''s Retry-After); NULL when healthy.';

ALTER TABLE runs ADD COLUMN holder VARCHAR;
COMMENT ON COLUMN runs.holder IS 'host:pid of the process that ran it (tells a crashed run from a live one).';
COMMENT ON COLUMN runs.status IS 'running, completed, failed, skipped (another run held the lock) or abandoned (its process died mid-run; its finished feeds were kept, the rest re-polled by the next run).';

CREATE TABLE run_locks (
    name         VARCHAR PRIMARY KEY,
    run_id       VARCHAR NOT NULL,
    holder       VARCHAR NOT NULL,
    acquired_at  TIMESTAMPTZ NOT NULL,
    heartbeat_at TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE run_locks IS 'Which run currently writes as ingest or maintenance: a second run finds the row and is skipped, so two runs never write at once. A row whose holder died or stopped heart-beating is taken over.';
COMMENT ON COLUMN run_locks.name IS 'The lock: ingest (held by ingest and maintenance runs).';
COMMENT ON COLUMN run_locks.run_id IS 'The run holding it (runs.run_id).';
COMMENT ON COLUMN run_locks.holder IS 'host:pid of the holding process.';
COMMENT ON COLUMN run_locks.acquired_at IS 'When the run took the lock (UTC).';
COMMENT ON COLUMN run_locks.heartbeat_at IS 'Last sign of life: renewed by every feed load; stale after schedule.lock_stale_after seconds.';
