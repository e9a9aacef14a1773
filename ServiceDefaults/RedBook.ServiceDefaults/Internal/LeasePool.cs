namespace RedBook.ServiceDefaults.Internal;

/// <summary>
/// A tiny object pool for the leases of the allocation-free limiters: one object per thread (no synchronisation),
/// backed by a small shared array for leases released on a different thread than the one that acquired them
/// (the usual case after an <c>await</c>). When both are empty the caller allocates; when both are full the
/// object is left to the GC. So the hot path allocates nothing in steady state and memory stays bounded.
/// </summary>
/// <typeparam name="T">The pooled type.</typeparam>
internal static class LeasePool<T>
    where T : class
{
    [ThreadStatic]
    private static T? s_local;

    private static readonly T?[] s_shared = new T?[Math.Max(8, Environment.ProcessorCount * 4)];

    /// <summary>A pooled object, or null when the pool is empty.</summary>
    public static T? Rent()
    {
        var item = s_local;
        if (item is not null)
        {
            s_local = null;
            return item;
        }

        return RentShared();
    }

    /// <summary>Gives <paramref name="item"/> back. The caller must hold no other reference it will use.</summary>
    public static void Return(T item)
    {
        if (s_local is null)
        {
            s_local = item;
            return;
        }

        ReturnShared(item);
    }

    private static T? RentShared()
    {
        var shared = s_shared;
        for (var i = 0; i < shared.Length; i++)
        {
            var item = Volatile.Read(ref shared[i]);
            if (item is not null && Interlocked.CompareExchange(ref shared[i], null, item) == item)
            {
                return item;
            }
        }

        return null;
    }

    private static void ReturnShared(T item)
    {
        var shared = s_shared;
        for (var i = 0; i < shared.Length; i++)
        {
            if (Volatile.Read(ref shared[i]) is null && Interlocked.CompareExchange(ref shared[i], item, null) is null)
            {
                return;
            }
        }
    }
}
