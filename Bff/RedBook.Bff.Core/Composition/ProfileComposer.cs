using Microsoft.Extensions.Options;
using RedBook.Bff.Core.Degrade;
using RedBook.Bff.Core.Feed;

namespace RedBook.Bff.Core.Composition;

/// <summary>
/// Composes a profile and the feed's other listings. A profile is, in parallel, a page of the user's notes and the
/// first authors they follow; each degrades to a copy or to an empty list, marked.
/// </summary>
public sealed class ProfileComposer(IFeedGateway feed, FeedParts feedParts, IOptionsMonitor<BffOptions> options)
{
    /// <summary>The profile of <paramref name="userId"/>, its notes from <paramref name="pageToken"/>.</summary>
    public async Task<ProfileScreen> ComposeAsync(string userId, int pageSize, string pageToken, CancellationToken cancellationToken)
    {
        var parts = new DegradedParts();
        var followingTask = FollowingAsync(userId, parts, cancellationToken);
        var notes = await feedParts.AuthorNotes.GetAsync(
            CacheKeys.Of(userId, pageSize, pageToken), ct => feed.ListNotesByAuthorAsync(userId, pageSize, pageToken, ct), cancellationToken).ConfigureAwait(false);
        parts.Mark(ScreenParts.Notes, notes.IsDegraded);
        var following = await followingTask.ConfigureAwait(false);
        return new ProfileScreen(userId, notes.Value ?? new NotePage([], string.Empty), following, parts.ToList());
    }

    /// <summary>A page of the newest notes, or of the notes with <paramref name="tag"/> (explore and search).</summary>
    public async Task<Listing<NoteView>> ExploreAsync(string? tag, int pageSize, string pageToken, CancellationToken cancellationToken)
    {
        var parts = new DegradedParts();
        var result = tag is null
            ? await feedParts.Explore.GetAsync(CacheKeys.Of("recent", pageSize, pageToken), ct => feed.ListRecentNotesAsync(pageSize, pageToken, ct), cancellationToken).ConfigureAwait(false)
            : await feedParts.Explore.GetAsync(CacheKeys.Of("tag:" + tag, pageSize, pageToken), ct => feed.ListNotesByTagAsync(tag, pageSize, pageToken, ct), cancellationToken).ConfigureAwait(false);
        parts.Mark(ScreenParts.Notes, result.IsDegraded);
        var page = result.Value ?? new NotePage([], string.Empty);
        return new Listing<NoteView>(page.Notes, page.NextPageToken, parts.ToList());
    }

    private async Task<FollowingPage> FollowingAsync(string userId, DegradedParts parts, CancellationToken cancellationToken)
    {
        var size = options.CurrentValue.FollowingPreview;
        try
        {
            var following = await feedParts.Following.GetAsync(
                CacheKeys.Of(userId, size, string.Empty), ct => feed.ListFollowingAsync(userId, size, string.Empty, ct), cancellationToken).ConfigureAwait(false);
            parts.Mark(ScreenParts.Following, following.IsDegraded);
            return following.Value ?? new FollowingPage([], string.Empty);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // Following is optional on a profile.
        catch (Exception)
#pragma warning restore CA1031
        {
            parts.Mark(ScreenParts.Following);
            return new FollowingPage([], string.Empty);
        }
    }
}
