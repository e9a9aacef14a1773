namespace RedBook.Bff.Core.Validation;

/// <summary>Which listing a home page continues.</summary>
public enum HomeSource
{
    /// <summary>The user's timeline: the notes of the authors they follow.</summary>
    Timeline = 0,

    /// <summary>The popular notes (the hot ranking): for users who follow nobody yet, and in place of the timeline when it is unavailable.</summary>
    Popular = 1,

    /// <summary>The newest notes: in place of the popular notes while the ranking is empty (before its job first ran).</summary>
    Recent = 2,
}

/// <summary>
/// The home screen's page token: the listing it continues and that listing's own token (<c>t.{token}</c>,
/// <c>p.{token}</c> or <c>r.{token}</c>), so a screen that switched to popular notes pages on through them.
/// </summary>
public readonly record struct HomeCursor(HomeSource Source, string Token)
{
    /// <summary>The first page: the timeline from its start.</summary>
    public static HomeCursor Start => new(HomeSource.Timeline, string.Empty);

    /// <summary>The token of the next page, or empty when <paramref name="token"/> (the listing's next token) is empty.</summary>
    public static string Next(HomeSource source, string token) =>
        string.IsNullOrEmpty(token) ? string.Empty : Prefix(source) + token;

    /// <summary>The name of a listing in the home screen's <c>notesSource</c>.</summary>
    public static string Name(HomeSource source) => source switch
    {
        HomeSource.Popular => "popular",
        HomeSource.Recent => "recent",
        _ => "timeline",
    };

    private static string Prefix(HomeSource source) => source switch
    {
        HomeSource.Popular => "p.",
        HomeSource.Recent => "r.",
        _ => "t.",
    };

    /// <summary>Reads a home page token (empty is <see cref="Start"/>); adds a violation of <c>pageToken</c> when it is not one.</summary>
    public static HomeCursor Parse(string token, BffValidation validation)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(validation);
        if (token.Length == 0)
        {
            return Start;
        }

        if (token.Length > 2 && token[1] == '.' && token[0] is 't' or 'p' or 'r')
        {
            return new HomeCursor(token[0] switch { 'p' => HomeSource.Popular, 'r' => HomeSource.Recent, _ => HomeSource.Timeline }, token[2..]);
        }

        validation.Add("pageToken", "must be the nextPageToken of an earlier home screen.");
        return Start;
    }
}
