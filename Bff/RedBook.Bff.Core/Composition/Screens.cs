using RedBook.Bff.Core.Feed;
//#if (IncludeMall)
using RedBook.Bff.Core.Mall;
//#endif

namespace RedBook.Bff.Core.Composition;

/// <summary>The names of the parts a screen may mark degraded (its <c>degraded</c> member and the <c>x-redbook-degraded</c> header).</summary>
public static class ScreenParts
{
    /// <summary>The notes of a listing (home, a profile).</summary>
    public const string Notes = "notes";

    /// <summary>A note's own content.</summary>
    public const string Note = "note";

    /// <summary>Whether the user liked what is shown (<c>likedByMe</c> is null).</summary>
    public const string Likes = "likes";

    /// <summary>A note's comments.</summary>
    public const string Comments = "comments";

    /// <summary>The authors a profile follows.</summary>
    public const string Following = "following";

//#if (IncludeMall)
    /// <summary>Products: the home screen's recommendations, a note's tagged products, the catalogue.</summary>
    public const string Products = "products";
//#endif
}

/// <summary>An answer that names its degraded parts.</summary>
public interface IDegradable
{
    /// <summary>The parts served from a copy or a default, sorted; empty when the answer is whole.</summary>
    IReadOnlyList<string> Degraded { get; }
}

/// <summary>A note in a listing, with whether the user liked it (null when that is unknown: <c>likes</c> degraded).</summary>
public sealed record NoteCard(NoteView Note, bool? LikedByMe);

/// <summary>The home screen: a page of notes and, with the mall, recommended products.</summary>
/// <param name="Notes">The page of notes.</param>
/// <param name="NotesSource"><c>timeline</c> (the authors the user follows) or <c>popular</c> (the hot ranking: the user follows nobody yet, or the timeline is unavailable).</param>
/// <param name="NextPageToken">The next page's token; empty on the last page.</param>
///#if (IncludeMall)
/// <param name="Products">Recommended products.</param>
///#endif
/// <param name="Degraded">The parts served from a copy or a default (empty when the screen is whole).</param>
public sealed record HomeScreen(
    IReadOnlyList<NoteCard> Notes,
    string NotesSource,
    string NextPageToken,
//#if (IncludeMall)
    IReadOnlyList<ProductView> Products,
//#endif
    IReadOnlyList<string> Degraded) : IDegradable;

/// <summary>A note's screen: the note, its first comments and, with the mall, the products it tags.</summary>
/// <param name="Note">The note.</param>
/// <param name="LikedByMe">Whether the user liked it (null when unknown).</param>
/// <param name="Comments">The first page of comments.</param>
///#if (IncludeMall)
/// <param name="Products">The products the note tags that exist.</param>
///#endif
/// <param name="Degraded">The parts served from a copy or a default.</param>
public sealed record NoteScreen(
    NoteView Note,
    bool? LikedByMe,
    CommentPage Comments,
//#if (IncludeMall)
    IReadOnlyList<ProductView> Products,
//#endif
    IReadOnlyList<string> Degraded) : IDegradable;

/// <summary>A user's profile: their notes and whom they follow.</summary>
/// <param name="UserId">The user.</param>
/// <param name="Notes">A page of their notes.</param>
/// <param name="Following">The first authors they follow.</param>
/// <param name="Degraded">The parts served from a copy or a default.</param>
public sealed record ProfileScreen(string UserId, NotePage Notes, FollowingPage Following, IReadOnlyList<string> Degraded) : IDegradable;

/// <summary>A page of any listing, with the parts served degraded.</summary>
public sealed record Listing<T>(IReadOnlyList<T> Items, string NextPageToken, IReadOnlyList<string> Degraded) : IDegradable;
