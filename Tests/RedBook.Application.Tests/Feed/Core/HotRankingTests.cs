using RedBook.Feed.Core.Hot;
using RedBook.Feed.Core.Notes;

namespace RedBook.Application.Tests.Feed.Core;

public sealed class HotRankingTests
{
    private static readonly DateTimeOffset s_now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Score_SameEngagement_NewerScoresHigher()
    {
        Assert.True(HotRanking.Score(Note("a", hoursOld: 1, likes: 10), s_now) > HotRanking.Score(Note("b", hoursOld: 10, likes: 10), s_now));
    }

    [Fact]
    public void Score_ACommentWeighsTwoLikes()
    {
        Assert.Equal(HotRanking.Score(Note("a", 3, likes: 4), s_now), HotRanking.Score(Note("b", 3, likes: 2, comments: 1), s_now), 12);
    }

    [Fact]
    public void Rank_KeepsTheBestN_BestFirst_TiesToTheNewerId()
    {
        var notes = new[] { Note("01", 5, likes: 1), Note("03", 1, likes: 50), Note("02", 5, likes: 1), Note("04", 48, likes: 3) };

        var snapshot = HotRanking.Rank(notes, s_now, 3);

        Assert.Equal(s_now, snapshot.ComputedAt);
        Assert.Equal(["03", "02", "01"], snapshot.Entries.Select(e => e.NoteId));
    }

    private static Note Note(string id, double hoursOld, long likes = 0, long comments = 0) => new()
    {
        Id = id,
        AuthorId = "a",
        Title = "t",
        Body = "b",
        Tags = [],
        ImageRefs = [],
        ProductIds = [],
        CreatedAt = s_now.AddHours(-hoursOld),
        LikeCount = likes,
        CommentCount = comments,
    };
}
