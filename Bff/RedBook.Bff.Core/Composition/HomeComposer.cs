using RedBook.Bff.Core.Degrade;
using RedBook.Bff.Core.Feed;
using RedBook.Bff.Core.Validation;
//#if (IncludeMall)
using Microsoft.Extensions.Options;
using RedBook.Bff.Core.Mall;
//#endif

namespace RedBook.Bff.Core.Composition;

/// <summary>
/// Composes the home screen. In parallel: the page of notes (the user's timeline; the popular notes for a user who
/// follows nobody yet; the newest notes while the ranking is empty) and, with the mall, the recommended products; then
/// which of the notes the user liked. When the timeline is unavailable and this replica has no copy of that page, the
/// popular notes take its place (mio's "popular recommendations as the default"), and <c>notes</c> is marked degraded.
/// No part's failure fails the screen.
/// </summary>
public sealed class HomeComposer(
    IFeedGateway feed,
    FeedParts feedParts,
//#if (IncludeMall)
    IMallGateway mall,
    MallParts mallParts,
    IOptionsMonitor<BffOptions> options,
//#endif
    PartRunner runner)
{
    /// <summary>The home screen of <paramref name="userId"/>.</summary>
    public async Task<HomeScreen> ComposeAsync(string userId, int pageSize, HomeCursor cursor, CancellationToken cancellationToken)
    {
        var parts = new DegradedParts();
        var notesTask = NotesAsync(userId, pageSize, cursor, parts, cancellationToken);
//#if (IncludeMall)
        var productsTask = RecommendedAsync(parts, cancellationToken);
//#endif
        var (page, source) = await notesTask.ConfigureAwait(false);
        IReadOnlySet<string>? liked = page.Notes.Count == 0
            ? new HashSet<string>(StringComparer.Ordinal)
            : await runner.OptionalAsync(BffDependency.Feed, ScreenParts.Likes, parts, ct => feed.GetLikeStatesAsync(userId, [.. page.Notes.Select(n => n.Id)], ct), cancellationToken).ConfigureAwait(false);
//#if (IncludeMall)
        var products = await productsTask.ConfigureAwait(false);
//#endif
        return new HomeScreen(
            [.. page.Notes.Select(n => new NoteCard(n, liked?.Contains(n.Id)))],
            HomeCursor.Name(source),
            HomeCursor.Next(source, page.NextPageToken),
//#if (IncludeMall)
            products,
//#endif
            parts.ToList());
    }

    private async Task<(NotePage Page, HomeSource Source)> NotesAsync(string userId, int pageSize, HomeCursor cursor, DegradedParts parts, CancellationToken cancellationToken)
    {
        switch (cursor.Source)
        {
            case HomeSource.Popular:
                return await PopularAsync(pageSize, cursor.Token, parts, cancellationToken).ConfigureAwait(false);
            case HomeSource.Recent:
                return await RecentAsync(pageSize, cursor.Token, parts, cancellationToken).ConfigureAwait(false);
        }

        var timeline = await feedParts.Timeline.GetAsync(
            CacheKeys.Of(userId, pageSize, cursor.Token), ct => feed.GetTimelineAsync(userId, pageSize, cursor.Token, ct), cancellationToken).ConfigureAwait(false);
        if (timeline.Value is { } page)
        {
            parts.Mark(ScreenParts.Notes, timeline.IsDegraded);
            if (page.Notes.Count > 0 || cursor.Token.Length > 0)
            {
                return (page, HomeSource.Timeline);
            }
        }
        else
        {
            // The timeline is unavailable and nothing of it is at hand: popular notes in its place.
            parts.Mark(ScreenParts.Notes);
        }

        // A first page with nothing to show (the user follows nobody yet), or no timeline at all.
        return await PopularAsync(pageSize, string.Empty, parts, cancellationToken).ConfigureAwait(false);
    }

    private async Task<(NotePage Page, HomeSource Source)> PopularAsync(int pageSize, string token, DegradedParts parts, CancellationToken cancellationToken)
    {
        var popular = await feedParts.Popular.GetAsync(
            CacheKeys.Of(pageSize, token), ct => feed.ListHotNotesAsync(pageSize, token, ct), cancellationToken).ConfigureAwait(false);
        parts.Mark(ScreenParts.Notes, popular.IsDegraded);
        if (popular.Value is { } page && (page.Notes.Count > 0 || token.Length > 0))
        {
            return (page, HomeSource.Popular);
        }

        // The ranking is empty (its job has not run yet) or unavailable: the newest notes.
        return await RecentAsync(pageSize, string.Empty, parts, cancellationToken).ConfigureAwait(false);
    }

    private async Task<(NotePage Page, HomeSource Source)> RecentAsync(int pageSize, string token, DegradedParts parts, CancellationToken cancellationToken)
    {
        var recent = await feedParts.Explore.GetAsync(
            CacheKeys.Of("recent", pageSize, token), ct => feed.ListRecentNotesAsync(pageSize, token, ct), cancellationToken).ConfigureAwait(false);
        parts.Mark(ScreenParts.Notes, recent.IsDegraded);
        return (recent.Value ?? new NotePage([], string.Empty), HomeSource.Recent);
    }
//#if (IncludeMall)

    private async Task<IReadOnlyList<ProductView>> RecommendedAsync(DegradedParts parts, CancellationToken cancellationToken)
    {
        var count = options.CurrentValue.RecommendedProducts;
        try
        {
            var products = await mallParts.Catalog.GetAsync(
                CacheKeys.Of(count, string.Empty), ct => mall.ListProductsAsync(count, string.Empty, ct), cancellationToken).ConfigureAwait(false);
            parts.Mark(ScreenParts.Products, products.IsDegraded);
            return products.Value?.Products ?? [];
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // Recommendations are optional: the screen answers without them.
        catch (Exception)
#pragma warning restore CA1031
        {
            parts.Mark(ScreenParts.Products);
            return [];
        }
    }
//#endif
}
