-- Moderation: flags, member reports, scheduled digests, and cursors of background jobs.

-- Where a background job (e.g. the flagger) stopped: it resumes after `value`.
CREATE TABLE job_cursors (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);

-- A flag marks a logged message for moderators; it never edits or deletes anything.
-- created_at is the message's time (reports select flags by the period of the messages);
-- flagged_at is when the flag was raised.
CREATE TABLE flags (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    channel_id  INTEGER NOT NULL,
    message_id  INTEGER NOT NULL,
    author_id   INTEGER NOT NULL,
    category    TEXT    NOT NULL,          -- rule | mass_mention | invite | flood | harassment | hate | ...
    score       REAL    NOT NULL,
    provider    TEXT    NOT NULL,          -- rules | openai
    detail      TEXT,                      -- which rule matched; never the message text
    created_at  INTEGER NOT NULL,
    flagged_at  INTEGER NOT NULL,
    UNIQUE (message_id, category, provider)
);
-- Reports read flags of one guild and period.
CREATE INDEX flags_guild_time ON flags (guild_id, created_at);

-- A message reported by members: one row per message, however many members report it.
CREATE TABLE member_reports (
    id             INTEGER PRIMARY KEY,
    guild_id       INTEGER NOT NULL,
    channel_id     INTEGER NOT NULL,
    message_id     INTEGER NOT NULL,
    author_id      INTEGER NOT NULL,
    content        TEXT,                   -- snapshot when reported; NULL for opted-out authors
    status         TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
    mod_message_id INTEGER,                -- the post in the moderators' channel, edited on merges
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    resolved_by    INTEGER,
    UNIQUE (guild_id, message_id)
);
-- Open reports of a guild, for reports and digests.
CREATE INDEX member_reports_status ON member_reports (guild_id, status, created_at);

CREATE TABLE member_report_reasons (
    report_id   INTEGER NOT NULL REFERENCES member_reports (id) ON DELETE CASCADE,
    reporter_id INTEGER NOT NULL,
    reason      TEXT,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (report_id, reporter_id)
);
-- The per-member rate limit counts a reporter's recent reports.
CREATE INDEX member_report_reasons_reporter ON member_report_reasons (reporter_id, created_at);

-- One row per guild and digest period: inserting it is the claim that makes a digest post once.
CREATE TABLE digest_runs (
    guild_id   INTEGER NOT NULL,
    period     TEXT    NOT NULL,           -- 2026-11-28 (daily) or 2026-W48 (weekly)
    claimed_at INTEGER NOT NULL,
    posted_at  INTEGER,
    message_id INTEGER,
    PRIMARY KEY (guild_id, period)
);
