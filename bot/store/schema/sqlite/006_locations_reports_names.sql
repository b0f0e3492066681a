-- One location for every record (bot/store/location.py): channel_id is the channel (a thread's parent),
-- thread_id the thread when there is one. Flags kept no thread, and shared links and member reports
-- stored a thread's messages under the thread's own id: existing rows are moved to (parent, thread),
-- from the logged message when there is one, else from the logged thread.

ALTER TABLE flags ADD COLUMN thread_id INTEGER;
UPDATE flags SET thread_id = (SELECT m.thread_id FROM messages m WHERE m.id = flags.message_id)
    WHERE thread_id IS NULL;

ALTER TABLE shared_links ADD COLUMN thread_id INTEGER;
UPDATE shared_links
    SET channel_id = (SELECT m.channel_id FROM messages m WHERE m.id = shared_links.message_id),
        thread_id = shared_links.channel_id
    WHERE EXISTS (SELECT 1 FROM messages m WHERE m.id = shared_links.message_id
                  AND m.thread_id = shared_links.channel_id);
UPDATE shared_links
    SET channel_id = (SELECT t.parent_id FROM threads t WHERE t.id = shared_links.channel_id),
        thread_id = shared_links.channel_id
    WHERE thread_id IS NULL AND channel_id IN (SELECT id FROM threads);

-- Member reports: the thread, and how, by whom and when a report was closed.
-- status stays 'open' | 'resolved'; resolution says how it was closed: 'resolved' or 'dismissed'.
ALTER TABLE member_reports ADD COLUMN thread_id INTEGER;
ALTER TABLE member_reports ADD COLUMN resolution TEXT;
ALTER TABLE member_reports ADD COLUMN resolved_at INTEGER;
UPDATE member_reports
    SET channel_id = (SELECT m.channel_id FROM messages m WHERE m.id = member_reports.message_id),
        thread_id = member_reports.channel_id
    WHERE EXISTS (SELECT 1 FROM messages m WHERE m.id = member_reports.message_id
                  AND m.thread_id = member_reports.channel_id);
UPDATE member_reports
    SET channel_id = (SELECT t.parent_id FROM threads t WHERE t.id = member_reports.channel_id),
        thread_id = member_reports.channel_id
    WHERE thread_id IS NULL AND channel_id IN (SELECT id FROM threads);
UPDATE member_reports SET resolution = 'resolved', resolved_at = updated_at
    WHERE status = 'resolved' AND resolution IS NULL;
-- The buttons of a moderators' post find their report by the post.
CREATE INDEX member_reports_mod_message ON member_reports (mod_message_id) WHERE mod_message_id IS NOT NULL;
-- Reports list what was resolved in a period.
CREATE INDEX member_reports_resolved ON member_reports (guild_id, resolved_at) WHERE resolved_at IS NOT NULL;

-- Names as the bot last saw them, so reports (the CLI's too) read "#general", not an id.
-- kind: guild (id = guild_id) | channel | member. Thread names live in `threads` (the log).
CREATE TABLE names (
    guild_id   INTEGER NOT NULL,
    id         INTEGER NOT NULL,
    kind       TEXT    NOT NULL CHECK (kind IN ('guild', 'channel', 'member')),
    name       TEXT    NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (guild_id, id)
);
