using System.Threading.RateLimiting;
using RedBook.ServiceDefaults.Bbr;

namespace RedBook.ServiceDefaults.Internal;

/// <summary>
/// A failed lease of an overload limiter (BBR, CoDel) that tells the server how to answer: the reason
/// (<see cref="OverloadLeaseMetadata.Reason"/>), a human <see cref="MetadataName.ReasonPhrase"/> and the pushback
/// (<see cref="MetadataName.RetryAfter"/>). Immutable, so one instance serves every rejection.
/// </summary>
internal sealed class RejectedLease : RateLimitLease
{
    private readonly string _reason;
    private readonly string _phrase;
    private readonly TimeSpan _retryAfter;
    private readonly string[] _names;

    public RejectedLease(string reason, string phrase, TimeSpan retryAfter)
    {
        _reason = reason;
        _phrase = phrase;
        _retryAfter = retryAfter;
        _names = [MetadataName.RetryAfter.Name, MetadataName.ReasonPhrase.Name, OverloadLeaseMetadata.Reason.Name];
    }

    /// <inheritdoc />
    public override bool IsAcquired => false;

    /// <inheritdoc />
    public override IEnumerable<string> MetadataNames => _names;

    /// <inheritdoc />
    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        if (metadataName == MetadataName.RetryAfter.Name)
        {
            metadata = _retryAfter;
            return true;
        }

        if (metadataName == MetadataName.ReasonPhrase.Name)
        {
            metadata = _phrase;
            return true;
        }

        if (metadataName == OverloadLeaseMetadata.Reason.Name)
        {
            metadata = _reason;
            return true;
        }

        metadata = null;
        return false;
    }
}

/// <summary>A successful lease that tracks nothing: permit count 0 probes, and disabled limiters.</summary>
internal sealed class UntrackedLease : RateLimitLease
{
    public static readonly UntrackedLease Instance = new();

    private UntrackedLease()
    {
    }

    /// <inheritdoc />
    public override bool IsAcquired => true;

    /// <inheritdoc />
    public override IEnumerable<string> MetadataNames => [];

    /// <inheritdoc />
    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        metadata = null;
        return false;
    }
}
