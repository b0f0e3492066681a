-- State that several bot processes (or one process and its restarts) share.

-- A lease: a named claim with an expiry. Cooldowns, once-a-day notes, retention runs and the summary
-- single-flight take one (bot/store/leases.py); a holder that dies lets it expire.
CREATE TABLE leases (
    name       TEXT PRIMARY KEY,
    holder     TEXT    NOT NULL DEFAULT '',   -- '' for anonymous claims (cooldowns, notes)
    expires_at INTEGER NOT NULL               -- unix ms
);
CREATE INDEX leases_expiry ON leases (expires_at);

-- Tokens spent per guild and UTC day, incremented in the same transaction as the llm_usage row:
-- every process checks the same budget with one primary-key read.
CREATE TABLE token_days (
    guild_id INTEGER NOT NULL,
    day      INTEGER NOT NULL,                -- unix ms of 00:00 UTC
    tokens   INTEGER NOT NULL,
    PRIMARY KEY (guild_id, day)
);
INSERT INTO token_days (guild_id, day, tokens)
    SELECT guild_id, created_at / 86400000 * 86400000, sum(prompt_tokens + completion_tokens)
    FROM llm_usage WHERE guild_id IS NOT NULL GROUP BY 1, 2;
