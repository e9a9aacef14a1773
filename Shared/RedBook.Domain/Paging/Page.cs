namespace RedBook.Domain.Paging;

/// <summary>One page of a listing and the token of the next page (null on the last page).</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextPageToken);

/// <summary>
/// A keyset page request: the items strictly after <see cref="After"/> in the listing's order (null: from the
/// start), at most <see cref="Size"/> of them. Stores answer it with an index range scan, never skip/limit.
/// </summary>
/// <param name="After">The last id of the previous page (ids are time-ordered UUIDv7), or null.</param>
/// <param name="Size">The page size, 1 to <see cref="PageRequest.MaxSize"/>.</param>
public sealed record PageRequest(string? After, int Size)
{
    /// <summary>The page size when the request names none.</summary>
    public const int DefaultSize = 20;

    /// <summary>The largest page size.</summary>
    public const int MaxSize = 100;

    /// <summary>The first page with the default size.</summary>
    public static PageRequest First { get; } = new(null, DefaultSize);
}
