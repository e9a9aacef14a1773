namespace RedBook.ServiceDefaults.Quota;

/// <summary>The capacity-sharing algorithm of a quota resource (youtube/doorman's algorithms).</summary>
public enum QuotaAlgorithm
{
    /// <summary>Max-min fairness (Doorman FAIR_SHARE): fill the smallest demands first, split the rest equally.</summary>
    FairShare = 0,

    /// <summary>Doorman PROPORTIONAL_SHARE: an equal share each, plus a top-up proportional to the excess demand.</summary>
    ProportionalShare = 1,
}

/// <summary>
/// Pure functions that split a capacity among clients by what they want. Both guarantee that the grants sum to at
/// most the capacity, that nobody gets more than it wants, and that everyone gets what it wants when the total demand
/// fits. The span overloads allocate nothing.
/// </summary>
public static class QuotaAlgorithms
{
    /// <summary>Runs <paramref name="algorithm"/>.</summary>
    public static void Allocate(QuotaAlgorithm algorithm, double capacity, ReadOnlySpan<double> wants, Span<double> grants)
    {
        switch (algorithm)
        {
            case QuotaAlgorithm.FairShare:
                FairShare(capacity, wants, grants);
                break;
            case QuotaAlgorithm.ProportionalShare:
                ProportionalShare(capacity, wants, grants);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Unknown quota algorithm.");
        }
    }

    /// <summary>Max-min fair allocation of <paramref name="capacity"/> among <paramref name="wants"/>; returns the grants.</summary>
    public static double[] FairShare(double capacity, IReadOnlyList<double> wants)
    {
        ArgumentNullException.ThrowIfNull(wants);
        var grants = new double[wants.Count];
        FairShare(capacity, [.. wants], grants);
        return grants;
    }

    /// <summary>
    /// Max-min fair allocation (Doorman FAIR_SHARE, "water filling"): in rounds, every unsatisfied client whose
    /// remaining need fits in an equal split of what is left gets it all; when nobody fits, the rest is split equally.
    /// The result is the unique allocation in which nobody can get more without taking from someone who has less or
    /// the same. Capacity 120 with wants 1000/50/10 gives 60/50/10. O(n²) in the worst case, like Doorman's.
    /// </summary>
    /// <param name="capacity">What there is to share; finite and not negative.</param>
    /// <param name="wants">What each client wants; finite and not negative.</param>
    /// <param name="grants">Receives each client's grant; the same length as <paramref name="wants"/>.</param>
    public static void FairShare(double capacity, ReadOnlySpan<double> wants, Span<double> grants)
    {
        var total = Validate(capacity, wants, grants);
        if (total <= capacity)
        {
            wants.CopyTo(grants);
            return;
        }

        grants.Clear();
        var remaining = capacity;
        var unsatisfied = 0;
        foreach (var want in wants)
        {
            if (want > 0)
            {
                unsatisfied++;
            }
        }

        while (unsatisfied > 0)
        {
            var share = remaining / unsatisfied;
            var satisfiedAny = false;
            for (var i = 0; i < wants.Length; i++)
            {
                var need = wants[i] - grants[i];
                if (need > 0 && need <= share)
                {
                    grants[i] = wants[i];
                    remaining -= need;
                    unsatisfied--;
                    satisfiedAny = true;
                }
            }

            if (!satisfiedAny)
            {
                for (var i = 0; i < wants.Length; i++)
                {
                    if (wants[i] - grants[i] > 0)
                    {
                        grants[i] += share;
                    }
                }

                return;
            }
        }
    }

    /// <summary>Proportional allocation of <paramref name="capacity"/> among <paramref name="wants"/>; returns the grants.</summary>
    public static double[] ProportionalShare(double capacity, IReadOnlyList<double> wants)
    {
        ArgumentNullException.ThrowIfNull(wants);
        var grants = new double[wants.Count];
        ProportionalShare(capacity, [.. wants], grants);
        return grants;
    }

    /// <summary>
    /// Doorman PROPORTIONAL_SHARE: when the demand does not fit, every client is entitled to an equal share
    /// (capacity / n); clients wanting less get what they want, and the capacity they leave is handed to the others in
    /// proportion to how far their wants exceed the equal share. Capacity 120 with wants 1000/50/10 gives
    /// 69.69/40.31/10 (equal share 40; 30 left over, split 960:10). O(n).
    /// </summary>
    /// <param name="capacity">What there is to share; finite and not negative.</param>
    /// <param name="wants">What each client wants; finite and not negative.</param>
    /// <param name="grants">Receives each client's grant; the same length as <paramref name="wants"/>.</param>
    public static void ProportionalShare(double capacity, ReadOnlySpan<double> wants, Span<double> grants)
    {
        var total = Validate(capacity, wants, grants);
        if (total <= capacity)
        {
            wants.CopyTo(grants);
            return;
        }

        var equalShare = capacity / wants.Length;
        double extraCapacity = 0;
        double extraNeed = 0;
        foreach (var want in wants)
        {
            if (want < equalShare)
            {
                extraCapacity += equalShare - want;
            }
            else
            {
                extraNeed += want - equalShare;
            }
        }

        // total > capacity implies extraNeed > extraCapacity >= 0, so the ratio is in [0, 1).
        var ratio = extraCapacity / extraNeed;
        for (var i = 0; i < wants.Length; i++)
        {
            var want = wants[i];
            grants[i] = want < equalShare ? want : equalShare + ((want - equalShare) * ratio);
        }
    }

    private static double Validate(double capacity, ReadOnlySpan<double> wants, Span<double> grants)
    {
        if (!double.IsFinite(capacity) || capacity < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "The capacity must be finite and not negative.");
        }

        if (grants.Length != wants.Length)
        {
            throw new ArgumentException($"The grants span has {grants.Length} elements but there are {wants.Length} wants.", nameof(grants));
        }

        double total = 0;
        for (var i = 0; i < wants.Length; i++)
        {
            var want = wants[i];
            if (!double.IsFinite(want) || want < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(wants), want, $"Want #{i} must be finite and not negative.");
            }

            total += want;
        }

        return total;
    }
}
