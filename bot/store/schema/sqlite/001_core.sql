-- Per-guild settings: one row per changed key; defaults live in code (bot/settings/guild.py),
-- so adding a setting needs no migration. Values are JSON.
CREATE TABLE guild_settings (
    guild_id    INTEGER NOT NULL,
    key         TEXT    NOT NULL,
    value       TEXT    NOT NULL,
    updated_at  INTEGER NOT NULL,          -- unix ms, UTC
    updated_by  INTEGER,
    PRIMARY KEY (guild_id, key)
);

-- Who changed what, when: shown by /config show.
CREATE TABLE settings_audit (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER,
    key         TEXT    NOT NULL,
    old_value   TEXT,
    new_value   TEXT,
    changed_at  INTEGER NOT NULL
);
CREATE INDEX settings_audit_guild ON settings_audit (guild_id, changed_at);
