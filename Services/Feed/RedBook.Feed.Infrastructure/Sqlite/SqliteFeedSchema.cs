namespace RedBook.Feed.Infrastructure.Sqlite;

/// <summary>
/// The feed's SQLite tables and indexes. Ids are time-ordered (UUIDv7), so every newest-first listing is a
/// descending range scan of an index that ends in the id; times are fixed-width UTC text.
/// </summary>
internal static class SqliteFeedSchema
{
    public const string CreateSql = """
        CREATE TABLE IF NOT EXISTS notes (
            id            TEXT PRIMARY KEY,
            author_id     TEXT NOT NULL,
            title         TEXT NOT NULL,
            body          TEXT NOT NULL,
            tags          TEXT NOT NULL,
            image_refs    TEXT NOT NULL,
            product_ids   TEXT NOT NULL,
            created_at    TEXT NOT NULL,
            like_count    INTEGER NOT NULL DEFAULT 0,
            comment_count INTEGER NOT NULL DEFAULT 0
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS ix_notes_author_id ON notes (author_id, id DESC);
        CREATE INDEX IF NOT EXISTS ix_notes_created_at ON notes (created_at DESC);
        CREATE TABLE IF NOT EXISTS note_tags (
            tag     TEXT NOT NULL,
            note_id TEXT NOT NULL,
            PRIMARY KEY (tag, note_id)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS likes (
            note_id    TEXT NOT NULL,
            user_id    TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (note_id, user_id)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS ix_likes_user_id ON likes (user_id, note_id);
        CREATE TABLE IF NOT EXISTS comments (
            id         TEXT PRIMARY KEY,
            note_id    TEXT NOT NULL,
            author_id  TEXT NOT NULL,
            body       TEXT NOT NULL,
            created_at TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS ix_comments_note_id ON comments (note_id, id DESC);
        CREATE TABLE IF NOT EXISTS follows (
            follower_id TEXT NOT NULL,
            author_id   TEXT NOT NULL,
            id          TEXT NOT NULL,
            created_at  TEXT NOT NULL,
            PRIMARY KEY (follower_id, author_id)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS ix_follows_follower_id ON follows (follower_id, id DESC);
        CREATE TABLE IF NOT EXISTS product_sales (
            product_id TEXT PRIMARY KEY,
            sold       INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS hot_notes (
            rank        INTEGER PRIMARY KEY,
            note_id     TEXT NOT NULL,
            score       REAL NOT NULL,
            computed_at TEXT NOT NULL
        );
        """;
}
