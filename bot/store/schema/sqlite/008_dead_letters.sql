-- Dead letters (log rows the writer could not store) keep ids, never words: which kind of row, where, whose,
-- and why it failed. The old `payload` held the row's repr, content included; it is dropped, not moved.
-- Rows from before this migration keep only their kind, error and time (their ids were in the payload).
CREATE TABLE log_dead_letters_ids (
    id         INTEGER PRIMARY KEY,
    op         TEXT    NOT NULL,          -- MessageRow | Edit | Delete | ThreadEvent | Cursor
    guild_id   INTEGER,
    channel_id INTEGER,                   -- the channel or thread
    message_id INTEGER,                   -- the message (the first one of a bulk delete)
    author_id  INTEGER,                   -- whose row it was, when known (forget removes theirs)
    error      TEXT    NOT NULL,
    failed_at  INTEGER NOT NULL
);
INSERT INTO log_dead_letters_ids (id, op, error, failed_at) SELECT id, op, error, failed_at FROM log_dead_letters;
DROP TABLE log_dead_letters;
ALTER TABLE log_dead_letters_ids RENAME TO log_dead_letters;
CREATE INDEX log_dead_letters_guild ON log_dead_letters (guild_id, failed_at);
CREATE INDEX log_dead_letters_author ON log_dead_letters (guild_id, author_id);
