-- State that several bot processes share (twin of schema/sqlite/006_shared_state.sql).
CREATE TABLE leases (
    name       TEXT PRIMARY KEY,
    holder     TEXT   NOT NULL DEFAULT '',
    expires_at BIGINT NOT NULL
);
CREATE INDEX leases_expiry ON leases (expires_at);

CREATE TABLE token_days (
    guild_id BIGINT NOT NULL,
    day      BIGINT NOT NULL,
    tokens   BIGINT NOT NULL,
    PRIMARY KEY (guild_id, day)
);
INSERT INTO token_days (guild_id, day, tokens)
    SELECT guild_id, created_at / 86400000 * 86400000, sum(prompt_tokens + completion_tokens)
    FROM llm_usage WHERE guild_id IS NOT NULL GROUP BY 1, 2;
