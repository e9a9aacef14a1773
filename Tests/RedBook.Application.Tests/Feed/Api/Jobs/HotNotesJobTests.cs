extern alias FeedApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using RedBook.Application.Tests.Support;
using V1 = RedBook.Feed.Contracts.V1;

namespace RedBook.Application.Tests.Feed.Api.Jobs;

/// <summary>The <c>hot-notes</c> job as the feed's Program schedules it: the elected instance recomputes the ranking ListHotNotes serves.</summary>
public sealed class HotNotesJobTests
{
    [Fact]
    public async Task Program_NotesCreated_TheElectedInstanceRecomputesTheRankingOnSchedule()
    {
        // The whole service on one fake clock: the notes' times and the job's timers.
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));
        using var host = new GrpcServiceHost<FeedApi::Program>(new Dictionary<string, string?>(), services => services.AddSingleton<TimeProvider>(time));
        var client = new V1.FeedService.FeedServiceClient(host.CreateChannel());
        var ids = new List<string>();
        foreach (var author in new[] { "alice", "bob", "carol" })
        {
            ids.Add((await client.CreateNoteAsync(new V1.CreateNoteRequest { AuthorId = author, Title = "Hello", Body = "World" })).Id);
            time.Advance(TimeSpan.FromSeconds(1));
        }

        V1.ListHotNotesResponse? ranking = null;
        await FakeClock.AdvanceUntilAsync(time, async () =>
        {
            ranking = await client.ListHotNotesAsync(new V1.ListHotNotesRequest());
            return ranking.Notes.Count == ids.Count;
        }, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(3), "the hot-notes job ranking the new notes");

        Assert.Equal(ids.AsEnumerable().Reverse(), ranking!.Notes.Select(n => n.Note.Id));   // no likes yet: the newest scores best
        Assert.Equal([1, 2, 3], ranking.Notes.Select(n => n.Rank));
        Assert.True(ranking.ComputedAt.ToDateTimeOffset() > new DateTimeOffset(2026, 3, 1, 8, 0, 2, TimeSpan.Zero));
    }
}
