-- PostgreSQL twin of schema/sqlite/009_rate_buckets.sql (times BIGINT, tokens DOUBLE PRECISION).
CREATE TABLE rate_buckets (
    name        TEXT             PRIMARY KEY,
    tokens      DOUBLE PRECISION NOT NULL,
    capacity    INTEGER          NOT NULL,
    window_ms   BIGINT           NOT NULL,
    updated_at  BIGINT           NOT NULL,
    quiet_until BIGINT           NOT NULL,
    idle_at     BIGINT           NOT NULL
);
CREATE INDEX rate_buckets_idle ON rate_buckets (idle_at);
