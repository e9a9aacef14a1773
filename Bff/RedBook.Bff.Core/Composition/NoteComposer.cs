using RedBook.Bff.Core.Degrade;
using RedBook.Bff.Core.Feed;
using RedBook.ServiceDefaults.Errors;
//#if (IncludeMall)
using RedBook.Bff.Core.Mall;
//#endif
using Microsoft.Extensions.Options;

namespace RedBook.Bff.Core.Composition;

/// <summary>
/// Composes a note's screen. In parallel: the note, its first comments and whether the user liked it; then, with the
/// mall, the products it tags. The note is the screen: without it, or a copy of it, the answer is an error (404 for a
/// note that does not exist, 503 <see cref="BffErrorReasons.Degraded"/> when it cannot be had now). The other parts
/// degrade to a copy or to nothing.
/// </summary>
public sealed class NoteComposer(
    IFeedGateway feed,
    FeedParts feedParts,
//#if (IncludeMall)
    IMallGateway mall,
    MallParts mallParts,
//#endif
    PartRunner runner,
    IOptionsMonitor<BffOptions> options)
{
    /// <summary>The screen of <paramref name="noteId"/> as <paramref name="userId"/> sees it.</summary>
    public async Task<NoteScreen> ComposeAsync(string userId, string noteId, CancellationToken cancellationToken)
    {
        var parts = new DegradedParts();
        var commentsTask = CommentsAsync(noteId, parts, cancellationToken);
        var likedTask = runner.OptionalAsync(BffDependency.Feed, ScreenParts.Likes, parts, ct => feed.GetLikeStatesAsync(userId, [noteId], ct), cancellationToken);
        var note = await feedParts.Note.GetAsync(noteId, ct => feed.GetNoteAsync(noteId, ct), cancellationToken).ConfigureAwait(false);
        if (note.Value is null)
        {
            throw new RedBookException(
                new RedBookError(ErrorCode.Unavailable, BffErrorReasons.Degraded, "The note cannot be loaded now and no copy of it is at hand; try again later."),
                note.Error);
        }

        parts.Mark(ScreenParts.Note, note.IsDegraded);
//#if (IncludeMall)
        var products = await TaggedProductsAsync(note.Value, parts, cancellationToken).ConfigureAwait(false);
//#endif
        var comments = await commentsTask.ConfigureAwait(false);
        var liked = await likedTask.ConfigureAwait(false);
        return new NoteScreen(
            note.Value,
            liked?.Contains(noteId),
            comments,
//#if (IncludeMall)
            products,
//#endif
            parts.ToList());
    }

    /// <summary>A page of a note's comments, degrading to a copy or to an empty page, marked <c>comments</c>.</summary>
    public async Task<Listing<CommentView>> ListCommentsAsync(string noteId, int pageSize, string pageToken, CancellationToken cancellationToken)
    {
        var parts = new DegradedParts();
        var result = await feedParts.Comments.GetAsync(
            CacheKeys.Of(noteId, pageSize, pageToken), ct => feed.ListCommentsAsync(noteId, pageSize, pageToken, ct), cancellationToken).ConfigureAwait(false);
        parts.Mark(ScreenParts.Comments, result.IsDegraded);
        var page = result.Value ?? new CommentPage([], string.Empty);
        return new Listing<CommentView>(page.Comments, page.NextPageToken, parts.ToList());
    }

    private async Task<CommentPage> CommentsAsync(string noteId, DegradedParts parts, CancellationToken cancellationToken)
    {
        var size = options.CurrentValue.CommentsPreview;
        try
        {
            var comments = await feedParts.Comments.GetAsync(
                CacheKeys.Of(noteId, size, string.Empty), ct => feed.ListCommentsAsync(noteId, size, string.Empty, ct), cancellationToken).ConfigureAwait(false);
            parts.Mark(ScreenParts.Comments, comments.IsDegraded);
            return comments.Value ?? new CommentPage([], string.Empty);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // Comments are optional here (a NOT_FOUND note fails the screen through the note part).
        catch (Exception)
#pragma warning restore CA1031
        {
            parts.Mark(ScreenParts.Comments);
            return new CommentPage([], string.Empty);
        }
    }
//#if (IncludeMall)

    private async Task<IReadOnlyList<ProductView>> TaggedProductsAsync(NoteView note, DegradedParts parts, CancellationToken cancellationToken)
    {
        if (note.Products.Count == 0)
        {
            return [];
        }

        string[] ids = [.. note.Products.Select(p => p.ProductId)];
        try
        {
            var products = await mallParts.Tagged.GetAsync(
                string.Join(',', ids), async ct => new ProductList(await mall.BatchGetProductsAsync(ids, ct).ConfigureAwait(false)), cancellationToken).ConfigureAwait(false);
            parts.Mark(ScreenParts.Products, products.IsDegraded);
            return products.Value?.Products ?? [];
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // Tagged products are optional: the note shows without them.
        catch (Exception)
#pragma warning restore CA1031
        {
            parts.Mark(ScreenParts.Products);
            return [];
        }
    }
//#endif
}
