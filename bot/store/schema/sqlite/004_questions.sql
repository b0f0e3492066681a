-- Every question and its answer, for thread context, reports and budgets.
CREATE TABLE questions (
    id                INTEGER PRIMARY KEY,
    guild_id          INTEGER,
    channel_id        INTEGER,
    thread_id         INTEGER,
    user_id           INTEGER,
    url               TEXT,
    question          TEXT,                   -- NULL after /privacy forget
    answer            TEXT,
    answerable        INTEGER NOT NULL,
    confidence        REAL,
    provider          TEXT NOT NULL,
    model             TEXT,
    prompt_tokens     INTEGER NOT NULL DEFAULT 0,
    completion_tokens INTEGER NOT NULL DEFAULT 0,
    latency_ms        INTEGER NOT NULL DEFAULT 0,
    created_at        INTEGER NOT NULL
);
CREATE INDEX questions_guild ON questions (guild_id, created_at);
CREATE INDEX questions_thread ON questions (thread_id, created_at) WHERE thread_id IS NOT NULL;
CREATE INDEX questions_user ON questions (guild_id, user_id);
