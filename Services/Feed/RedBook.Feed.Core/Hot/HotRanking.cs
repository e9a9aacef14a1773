using RedBook.Feed.Core.Notes;

namespace RedBook.Feed.Core.Hot;

/// <summary>
/// The hot-notes score, Hacker News style: engagement decays with age.
/// <c>score = (likes + 2 * comments + 1) / (ageHours + 2)^1.5</c>. A comment weighs twice a like; the "+ 1"
/// lets a brand-new note without engagement rank by freshness; the gravity 1.5 halves a note's score in
/// roughly a day of being a day old.
/// </summary>
public static class HotRanking
{
    /// <summary>The age exponent.</summary>
    public const double Gravity = 1.5;

    /// <summary>The score of <paramref name="note"/> at <paramref name="now"/>.</summary>
    public static double Score(Note note, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(note);
        var ageHours = Math.Max(0, (now - note.CreatedAt).TotalHours);
        var engagement = Math.Max(0, note.LikeCount) + (2.0 * Math.Max(0, note.CommentCount)) + 1;
        return engagement / Math.Pow(ageHours + 2, Gravity);
    }

    /// <summary>The best <paramref name="size"/> of <paramref name="candidates"/>, best first; ties go to the newer note.</summary>
    public static HotNotesSnapshot Rank(IEnumerable<Note> candidates, DateTimeOffset now, int size)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        var entries = candidates
            .Select(note => new HotNoteEntry(note.Id, Score(note, now)))
            .OrderByDescending(e => e.Score)
            .ThenByDescending(e => e.NoteId, StringComparer.Ordinal)
            .Take(size)
            .ToList();
        return new HotNotesSnapshot(now, entries);
    }
}
