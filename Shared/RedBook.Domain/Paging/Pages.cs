namespace RedBook.Domain.Paging;

/// <summary>Builds pages from store reads that asked for one item more than the page holds.</summary>
public static class Pages
{
    /// <summary>The request a store should answer: one item more than the page, to learn whether a next page exists.</summary>
    public static PageRequest Probe(this PageRequest page) => page with { Size = page.Size + 1 };

    /// <summary>The page of <paramref name="items"/> (read with <see cref="Probe"/>), with a next token when there were more.</summary>
    public static Page<T> Of<T>(IReadOnlyList<T> items, int size, Func<T, string> idOf)
    {
        if (items.Count <= size)
        {
            return new Page<T>(items, null);
        }

        var page = items.Take(size).ToList();
        return new Page<T>(page, PageToken.ForId(idOf(page[^1])));
    }
}
