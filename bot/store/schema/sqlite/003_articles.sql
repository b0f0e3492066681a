-- Articles as extracted (shared by summaries and questions), with a time to live.
CREATE TABLE articles (
    url          TEXT PRIMARY KEY,           -- canonical URL
    final_url    TEXT,
    title        TEXT,
    author       TEXT,
    published    TEXT,                       -- ISO date
    site         TEXT,
    language     TEXT,
    image        TEXT,
    content_type TEXT NOT NULL,
    text         TEXT NOT NULL,
    fetched_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
);

-- Summary cache: one row per canonical URL + provider + model + style + language.
CREATE TABLE summaries (
    url         TEXT NOT NULL,
    provider    TEXT NOT NULL,
    model       TEXT NOT NULL DEFAULT '',
    style       TEXT NOT NULL,
    language    TEXT NOT NULL DEFAULT '',
    title       TEXT NOT NULL,
    tldr        TEXT NOT NULL,
    key_points  TEXT NOT NULL,               -- JSON list
    summary_language TEXT,
    note        TEXT,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    PRIMARY KEY (url, provider, model, style, language)
);

-- Failures are remembered briefly so a broken link posted five times is fetched once.
CREATE TABLE fetch_failures (
    url        TEXT PRIMARY KEY,
    message    TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);

-- Which bot message (and thread) carries which article: /ask, replies and thread questions use it.
CREATE TABLE summary_posts (
    message_id        INTEGER PRIMARY KEY,
    guild_id          INTEGER NOT NULL,
    channel_id        INTEGER NOT NULL,
    thread_id         INTEGER,
    source_message_id INTEGER,
    url               TEXT NOT NULL,
    requested_by      INTEGER,
    provider          TEXT NOT NULL,
    created_at        INTEGER NOT NULL
);
CREATE INDEX summary_posts_channel ON summary_posts (channel_id, created_at);
CREATE INDEX summary_posts_thread ON summary_posts (thread_id) WHERE thread_id IS NOT NULL;
CREATE INDEX summary_posts_source ON summary_posts (source_message_id);
CREATE INDEX summary_posts_guild ON summary_posts (guild_id, created_at);

-- Links members shared (for reports), whether or not they were summarised.
CREATE TABLE shared_links (
    message_id INTEGER NOT NULL,
    url        TEXT NOT NULL,
    guild_id   INTEGER NOT NULL,
    channel_id INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (message_id, url)
);
CREATE INDEX shared_links_guild ON shared_links (guild_id, created_at);

-- Every LLM call's tokens, for budgets and /usage.
CREATE TABLE llm_usage (
    id                INTEGER PRIMARY KEY,
    guild_id          INTEGER,
    user_id           INTEGER,
    feature           TEXT NOT NULL,          -- summary | answer | digest | moderation
    model             TEXT,
    prompt_tokens     INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    calls             INTEGER NOT NULL,
    created_at        INTEGER NOT NULL
);
CREATE INDEX llm_usage_guild ON llm_usage (guild_id, created_at);
