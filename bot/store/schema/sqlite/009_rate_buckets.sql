-- Rate limits that every bot process shares: one token bucket per name (bot/summaries/limits.py), e.g. a
-- member's or a channel's automatic summaries. Taken under a per-guild write transaction.
CREATE TABLE rate_buckets (
    name        TEXT    PRIMARY KEY,      -- summary-member:GUILD:USER | summary-channel:GUILD:CHANNEL
    tokens      REAL    NOT NULL,         -- left at updated_at
    capacity    INTEGER NOT NULL,         -- the limit the bucket was sized for...
    window_ms   INTEGER NOT NULL,         -- ...per this period
    updated_at  INTEGER NOT NULL,         -- unix ms
    quiet_until INTEGER NOT NULL,         -- unix ms: a refusal before then was announced already
    idle_at     INTEGER NOT NULL          -- unix ms: full and quiet again, so the row may be forgotten
);
CREATE INDEX rate_buckets_idle ON rate_buckets (idle_at);
