using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RedBook.Feed.Core;
using RedBook.Feed.Core.Events;
using RedBook.Feed.Core.Hot;
using RedBook.Feed.Core.Notes;
using RedBook.Domain.Paging;
using RedBook.Feed.Core.Timeline;
using RedBook.Messaging.Outbox;
using RedBook.Messaging.Relay;
using RedBook.Messaging.Sqlite;
using RedBook.Storage.Sqlite;
using static RedBook.Storage.Sqlite.SqliteDatabase;

namespace RedBook.Feed.Infrastructure.Sqlite;

/// <summary>
/// The feed store on SQLite (Microsoft.Data.Sqlite), for local runs without a container runtime. One database file
/// holds the feed's tables, the outbox and the processed-message records, so each write and its events commit
/// together. It is also the relay's <see cref="IOutboxStore"/> and a health check.
/// </summary>
public sealed class SqliteFeedStore : IFeedStore, IHealthCheck
{
    private const string NoteColumns = "n.id, n.author_id, n.title, n.body, n.tags, n.image_refs, n.product_ids, n.created_at, n.like_count, n.comment_count";

    private readonly SqliteDatabase _database;
    private readonly SqliteOutboxStore _outbox;
    private readonly TimeProvider _timeProvider;

    /// <summary>
    /// Creates the store over <paramref name="connectionString"/> (a file path as <c>Data Source</c>); it wakes the
    /// outbox relay through <paramref name="outboxSignal"/> after each commit, when one is given.
    /// </summary>
    public SqliteFeedStore(string connectionString, TimeProvider timeProvider, IOutboxSignal? outboxSignal = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _database = new SqliteDatabase(connectionString, outboxSignal is null ? null : outboxSignal.Notify);
        _outbox = new SqliteOutboxStore(connectionString);
        _timeProvider = timeProvider;
    }

    /// <inheritdoc />
    public Task InitializeAsync(CancellationToken cancellationToken) =>
        _database.InitializeAsync(SqliteFeedSchema.CreateSql, SqliteMessagingSchema.CreateAsync, cancellationToken);

    /// <inheritdoc />
    public Task CreateNoteAsync(Note note, OutboxMessage created, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(note);
        ArgumentNullException.ThrowIfNull(created);
        return _database.WriteAsync(async tx =>
        {
            await using (var insert = Command(tx, """
                INSERT INTO notes (id, author_id, title, body, tags, image_refs, product_ids, created_at, like_count, comment_count)
                VALUES ($id, $author, $title, $body, $tags, $images, $products, $createdAt, $likes, $comments);
                """))
            {
                insert.Parameters.AddWithValue("$id", note.Id);
                insert.Parameters.AddWithValue("$author", note.AuthorId);
                insert.Parameters.AddWithValue("$title", note.Title);
                insert.Parameters.AddWithValue("$body", note.Body);
                insert.Parameters.AddWithValue("$tags", Json(note.Tags));
                insert.Parameters.AddWithValue("$images", Json(note.ImageRefs));
                insert.Parameters.AddWithValue("$products", Json(note.ProductIds));
                insert.Parameters.AddWithValue("$createdAt", FormatTime(note.CreatedAt));
                insert.Parameters.AddWithValue("$likes", note.LikeCount);
                insert.Parameters.AddWithValue("$comments", note.CommentCount);
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            foreach (var tag in note.Tags)
            {
                await using var tagInsert = Command(tx, "INSERT INTO note_tags (tag, note_id) VALUES ($tag, $id);");
                tagInsert.Parameters.AddWithValue("$tag", tag);
                tagInsert.Parameters.AddWithValue("$id", note.Id);
                await tagInsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await SqliteOutbox.AddAsync(tx, created, cancellationToken).ConfigureAwait(false);
            return (true, true);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<Note?> GetNoteAsync(string noteId, CancellationToken cancellationToken) =>
        (await QueryNotesAsync($"SELECT {NoteColumns} FROM notes n WHERE n.id = $id;", p => p.AddWithValue("$id", noteId), cancellationToken).ConfigureAwait(false))
        .SingleOrDefault();

    /// <inheritdoc />
    public Task<IReadOnlyList<Note>> GetNotesAsync(IReadOnlyCollection<string> noteIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(noteIds);
        return QueryNotesAsync($"SELECT {NoteColumns} FROM notes n WHERE n.id IN (SELECT value FROM json_each($ids));",
            p => p.AddWithValue("$ids", Json(noteIds)), cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<Note>> ListNotesByAuthorAsync(string authorId, PageRequest page, CancellationToken cancellationToken) =>
        QueryPageAsync("n.author_id = $author", "n.id", page, p => p.AddWithValue("$author", authorId), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<Note>> ListNotesByAuthorsAsync(IReadOnlyCollection<string> authorIds, PageRequest page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorIds);
        return QueryPageAsync("n.author_id IN (SELECT value FROM json_each($authors))", "n.id", page, p => p.AddWithValue("$authors", Json(authorIds)), cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<Note>> ListNotesByTagAsync(string tag, PageRequest page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        var after = page.After is null ? string.Empty : "AND t.note_id < $after";
        return QueryNotesAsync($"""
            SELECT {NoteColumns} FROM note_tags t JOIN notes n ON n.id = t.note_id
            WHERE t.tag = $tag {after}
            ORDER BY t.note_id DESC LIMIT $limit;
            """, p =>
            {
                p.AddWithValue("$tag", tag);
                p.AddWithValue("$after", (object?)page.After ?? DBNull.Value);
                p.AddWithValue("$limit", page.Size);
            }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<Note>> ListRecentNotesAsync(PageRequest page, CancellationToken cancellationToken) =>
        QueryPageAsync("1 = 1", "n.id", page, static _ => { }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<Note>> ListNotesCreatedSinceAsync(DateTimeOffset since, int maxCount, CancellationToken cancellationToken) =>
        QueryNotesAsync($"SELECT {NoteColumns} FROM notes n WHERE n.created_at >= $since ORDER BY n.created_at DESC LIMIT $limit;", p =>
        {
            p.AddWithValue("$since", FormatTime(since));
            p.AddWithValue("$limit", maxCount);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<ToggleOutcome> LikeNoteAsync(string noteId, string userId, OutboxMessage liked, CancellationToken cancellationToken) =>
        ToggleLikeAsync(noteId, userId, liked, "INSERT INTO likes (note_id, user_id, created_at) VALUES ($note, $user, $at) ON CONFLICT DO NOTHING;", cancellationToken);

    /// <inheritdoc />
    public Task<ToggleOutcome> UnlikeNoteAsync(string noteId, string userId, OutboxMessage unliked, CancellationToken cancellationToken) =>
        ToggleLikeAsync(noteId, userId, unliked, "DELETE FROM likes WHERE note_id = $note AND user_id = $user;", cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlySet<string>> GetLikedNoteIdsAsync(string userId, IReadOnlyCollection<string> noteIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(noteIds);
        var liked = await _database.QueryAsync("SELECT note_id FROM likes WHERE user_id = $user AND note_id IN (SELECT value FROM json_each($ids));", p =>
        {
            p.AddWithValue("$user", userId);
            p.AddWithValue("$ids", Json(noteIds));
        }, static r => r.GetString(0), cancellationToken).ConfigureAwait(false);
        return liked.ToHashSet(StringComparer.Ordinal);
    }

    /// <inheritdoc />
    public Task<bool> AddCommentAsync(Comment comment, OutboxMessage commented, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(comment);
        ArgumentNullException.ThrowIfNull(commented);
        return _database.WriteAsync(async tx =>
        {
            if (!await NoteExistsAsync(tx, comment.NoteId, cancellationToken).ConfigureAwait(false))
            {
                return (false, false);
            }

            await using var insert = Command(tx, "INSERT INTO comments (id, note_id, author_id, body, created_at) VALUES ($id, $note, $author, $body, $at);");
            insert.Parameters.AddWithValue("$id", comment.Id);
            insert.Parameters.AddWithValue("$note", comment.NoteId);
            insert.Parameters.AddWithValue("$author", comment.AuthorId);
            insert.Parameters.AddWithValue("$body", comment.Body);
            insert.Parameters.AddWithValue("$at", FormatTime(comment.CreatedAt));
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await SqliteOutbox.AddAsync(tx, commented, cancellationToken).ConfigureAwait(false);
            return (true, true);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<Comment>> ListCommentsAsync(string noteId, PageRequest page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        var after = page.After is null ? string.Empty : "AND id < $after";
        return _database.QueryAsync($"SELECT id, note_id, author_id, body, created_at FROM comments WHERE note_id = $note {after} ORDER BY id DESC LIMIT $limit;", p =>
        {
            p.AddWithValue("$note", noteId);
            p.AddWithValue("$after", (object?)page.After ?? DBNull.Value);
            p.AddWithValue("$limit", page.Size);
        }, static r => new Comment(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), ParseTime(r.GetString(4))), cancellationToken);
    }

    /// <inheritdoc />
    public Task<DeleteCommentOutcome> DeleteCommentAsync(string noteId, string commentId, string requesterId, OutboxMessage deleted, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deleted);
        return _database.WriteAsync(async tx =>
        {
            await using (var select = Command(tx, "SELECT author_id FROM comments WHERE id = $id AND note_id = $note;"))
            {
                select.Parameters.AddWithValue("$id", commentId);
                select.Parameters.AddWithValue("$note", noteId);
                var author = await select.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
                if (author is null)
                {
                    return (false, DeleteCommentOutcome.NotFound);
                }

                if (!string.Equals(author, requesterId, StringComparison.Ordinal))
                {
                    return (false, DeleteCommentOutcome.NotAuthor);
                }
            }

            await using var delete = Command(tx, "DELETE FROM comments WHERE id = $id;");
            delete.Parameters.AddWithValue("$id", commentId);
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await SqliteOutbox.AddAsync(tx, deleted, cancellationToken).ConfigureAwait(false);
            return (true, DeleteCommentOutcome.Deleted);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> FollowAsync(Follow follow, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(follow);
        return _database.WriteAsync(async tx =>
        {
            await using var insert = Command(tx, "INSERT INTO follows (follower_id, author_id, id, created_at) VALUES ($follower, $author, $id, $at) ON CONFLICT DO NOTHING;");
            insert.Parameters.AddWithValue("$follower", follow.FollowerId);
            insert.Parameters.AddWithValue("$author", follow.AuthorId);
            insert.Parameters.AddWithValue("$id", follow.Id);
            insert.Parameters.AddWithValue("$at", FormatTime(follow.CreatedAt));
            var inserted = await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
            return (inserted, inserted);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<bool> UnfollowAsync(string followerId, string authorId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var delete = Command(connection, "DELETE FROM follows WHERE follower_id = $follower AND author_id = $author;");
        delete.Parameters.AddWithValue("$follower", followerId);
        delete.Parameters.AddWithValue("$author", authorId);
        return await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<Follow>> ListFollowingAsync(string followerId, PageRequest page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        var after = page.After is null ? string.Empty : "AND id < $after";
        return _database.QueryAsync($"SELECT id, follower_id, author_id, created_at FROM follows WHERE follower_id = $follower {after} ORDER BY id DESC LIMIT $limit;", p =>
        {
            p.AddWithValue("$follower", followerId);
            p.AddWithValue("$after", (object?)page.After ?? DBNull.Value);
            p.AddWithValue("$limit", page.Size);
        }, static r => new Follow(r.GetString(0), r.GetString(1), r.GetString(2), ParseTime(r.GetString(3))), cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> ApplyNoteCountersAsync(string consumerGroup, string messageId, string noteId, long likeDelta, long commentDelta, CancellationToken cancellationToken) =>
        _database.WriteAsync(async tx =>
        {
            if (!await SqliteProcessedMessages.TryRecordAsync(tx, consumerGroup, messageId, _timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false))
            {
                return (false, false);
            }

            await using var update = Command(tx, "UPDATE notes SET like_count = like_count + $likes, comment_count = comment_count + $comments WHERE id = $id;");
            update.Parameters.AddWithValue("$likes", likeDelta);
            update.Parameters.AddWithValue("$comments", commentDelta);
            update.Parameters.AddWithValue("$id", noteId);
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return (true, true);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> ApplyProductSalesAsync(string consumerGroup, string messageId, IReadOnlyList<ProductSales> deltas, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deltas);
        return _database.WriteAsync(async tx =>
        {
            if (!await SqliteProcessedMessages.TryRecordAsync(tx, consumerGroup, messageId, _timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false))
            {
                return (false, false);
            }

            foreach (var delta in deltas)
            {
                await using var upsert = Command(tx, "INSERT INTO product_sales (product_id, sold) VALUES ($id, $delta) ON CONFLICT (product_id) DO UPDATE SET sold = sold + $delta;");
                upsert.Parameters.AddWithValue("$id", delta.ProductId);
                upsert.Parameters.AddWithValue("$delta", delta.Sold);
                await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return (true, true);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<long> PurgeProcessedMessagesAsync(DateTimeOffset processedBefore, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await SqliteProcessedMessages.PurgeAsync(connection, processedBefore, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ProductSales>> GetProductSalesAsync(IReadOnlyCollection<string> productIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(productIds);
        return _database.QueryAsync("SELECT product_id, sold FROM product_sales WHERE product_id IN (SELECT value FROM json_each($ids));",
            p => p.AddWithValue("$ids", Json(productIds)), static r => new ProductSales(r.GetString(0), r.GetInt64(1)), cancellationToken);
    }

    /// <inheritdoc />
    public Task SaveHotNotesAsync(HotNotesSnapshot snapshot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return _database.WriteAsync(async tx =>
        {
            await using (var clear = Command(tx, "DELETE FROM hot_notes;"))
            {
                await clear.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            // An empty ranking is still a ranking: one marker row with rank 0 keeps its computation time.
            await using (var marker = Command(tx, "INSERT INTO hot_notes (rank, note_id, score, computed_at) VALUES (0, '', 0, $at);"))
            {
                marker.Parameters.AddWithValue("$at", FormatTime(snapshot.ComputedAt));
                await marker.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            for (var i = 0; i < snapshot.Entries.Count; i++)
            {
                await using var insert = Command(tx, "INSERT INTO hot_notes (rank, note_id, score, computed_at) VALUES ($rank, $note, $score, $at);");
                insert.Parameters.AddWithValue("$rank", i + 1);
                insert.Parameters.AddWithValue("$note", snapshot.Entries[i].NoteId);
                insert.Parameters.AddWithValue("$score", snapshot.Entries[i].Score);
                insert.Parameters.AddWithValue("$at", FormatTime(snapshot.ComputedAt));
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return (true, true);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<HotNotesSnapshot?> GetHotNotesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "SELECT rank, note_id, score, computed_at FROM hot_notes ORDER BY rank;");
        DateTimeOffset? computedAt = null;
        var entries = new List<HotNoteEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            computedAt ??= ParseTime(reader.GetString(3));
            if (reader.GetInt64(0) > 0)
            {
                entries.Add(new HotNoteEntry(reader.GetString(1), reader.GetDouble(2)));
            }
        }

        return computedAt is { } at ? new HotNotesSnapshot(at, entries) : null;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<OutboxMessage>> GetUnsentAsync(int maxCount, CancellationToken cancellationToken) => _outbox.GetUnsentAsync(maxCount, cancellationToken);

    /// <inheritdoc />
    public Task MarkSentAsync(IReadOnlyCollection<string> ids, DateTimeOffset sentAt, CancellationToken cancellationToken) => _outbox.MarkSentAsync(ids, sentAt, cancellationToken);

    /// <inheritdoc />
    public Task<int> PurgeSentAsync(DateTimeOffset sentBefore, CancellationToken cancellationToken) => _outbox.PurgeSentAsync(sentBefore, cancellationToken);

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        _database.CheckHealthAsync("notes", cancellationToken);

    private Task<ToggleOutcome> ToggleLikeAsync(string noteId, string userId, OutboxMessage message, string sql, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return _database.WriteAsync(async tx =>
        {
            if (!await NoteExistsAsync(tx, noteId, cancellationToken).ConfigureAwait(false))
            {
                return (false, ToggleOutcome.NoteNotFound);
            }

            await using var command = Command(tx, sql);
            command.Parameters.AddWithValue("$note", noteId);
            command.Parameters.AddWithValue("$user", userId);
            command.Parameters.AddWithValue("$at", FormatTime(message.CreatedAt));
            if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                return (false, ToggleOutcome.Unchanged);
            }

            await SqliteOutbox.AddAsync(tx, message, cancellationToken).ConfigureAwait(false);
            return (true, ToggleOutcome.Changed);
        }, cancellationToken);
    }

    private static async Task<bool> NoteExistsAsync(SqliteTransaction tx, string noteId, CancellationToken cancellationToken)
    {
        await using var command = Command(tx, "SELECT 1 FROM notes WHERE id = $id;");
        command.Parameters.AddWithValue("$id", noteId);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }

    private Task<IReadOnlyList<Note>> QueryPageAsync(string where, string key, PageRequest page, Action<SqliteParameterCollection> bind, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        var after = page.After is null ? string.Empty : $"AND {key} < $after";
        return QueryNotesAsync($"SELECT {NoteColumns} FROM notes n WHERE {where} {after} ORDER BY {key} DESC LIMIT $limit;", p =>
        {
            bind(p);
            p.AddWithValue("$after", (object?)page.After ?? DBNull.Value);
            p.AddWithValue("$limit", page.Size);
        }, cancellationToken);
    }

    private Task<IReadOnlyList<Note>> QueryNotesAsync(string sql, Action<SqliteParameterCollection> bind, CancellationToken cancellationToken) =>
        _database.QueryAsync(sql, bind, static reader => new Note
        {
            Id = reader.GetString(0),
            AuthorId = reader.GetString(1),
            Title = reader.GetString(2),
            Body = reader.GetString(3),
            Tags = List(reader.GetString(4)),
            ImageRefs = List(reader.GetString(5)),
            ProductIds = List(reader.GetString(6)),
            CreatedAt = ParseTime(reader.GetString(7)),
            LikeCount = reader.GetInt64(8),
            CommentCount = reader.GetInt64(9),
        }, cancellationToken);

    private static string Json(IEnumerable<string> values) => JsonSerializer.Serialize(values.ToList(), FeedJsonContext.Default.IReadOnlyListString);

    private static IReadOnlyList<string> List(string json) => JsonSerializer.Deserialize(json, FeedJsonContext.Default.IReadOnlyListString) ?? [];
}
