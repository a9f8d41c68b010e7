"""SQLite: the triggers keeping the full-text index in step with core_searchentry (made with
the index, and again whenever a migration rebuilds the table)."""

SQLITE_TRIGGERS = [
    "CREATE TRIGGER IF NOT EXISTS core_searchentry_ai AFTER INSERT ON core_searchentry BEGIN "
    "INSERT INTO core_searchentry_fts(rowid, title_stems, body_stems) "
    "VALUES (new.id, new.title_stems, new.body_stems); END",
    "CREATE TRIGGER IF NOT EXISTS core_searchentry_ad AFTER DELETE ON core_searchentry BEGIN "
    "INSERT INTO core_searchentry_fts(core_searchentry_fts, rowid, title_stems, body_stems) "
    "VALUES ('delete', old.id, old.title_stems, old.body_stems); END",
    "CREATE TRIGGER IF NOT EXISTS core_searchentry_au AFTER UPDATE ON core_searchentry BEGIN "
    "INSERT INTO core_searchentry_fts(core_searchentry_fts, rowid, title_stems, body_stems) "
    "VALUES ('delete', old.id, old.title_stems, old.body_stems); "
    "INSERT INTO core_searchentry_fts(rowid, title_stems, body_stems) "
    "VALUES (new.id, new.title_stems, new.body_stems); END",
]
