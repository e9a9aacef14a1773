using System.Text.RegularExpressions;
using Aspire.Hosting.ApplicationModel;

namespace RedBook.Hosting;

/// <summary>
/// The development broker's bootstrap address, known only once the broker has started and printed it (librdkafka's
/// mock cluster listens on ports it picks itself). A value that expressions can hold: reading it waits until the
/// broker has printed the address, so a service that waits for the broker gets the address of the broker it waited
/// for.
/// </summary>
internal sealed partial class BootstrapAddress(string resourceName) : IValueProvider, IManifestExpressionProvider
{
    private TaskCompletionSource<string> _address = NewSource();

    /// <summary>The address once it is known, else <see langword="null"/>.</summary>
    public string? Current => _address.Task.IsCompletedSuccessfully ? _address.Task.Result : null;

    /// <inheritdoc />
    public string ValueExpression => $"{{{resourceName}.bootstrapServers}}";

    /// <inheritdoc />
    public async ValueTask<string?> GetValueAsync(CancellationToken cancellationToken = default) =>
        await _address.Task.WaitAsync(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public ValueTask<string?> GetValueAsync(ValueProviderContext context, CancellationToken cancellationToken = default) =>
        GetValueAsync(cancellationToken);

    /// <summary>Forgets the address before the broker (re)starts: the new process listens elsewhere.</summary>
    public void Reset()
    {
        if (_address.Task.IsCompleted)
        {
            _address = NewSource();
        }
    }

    /// <summary>Takes the address from a line of the broker's output; returns whether the line carried one.</summary>
    public bool TryObserve(string line)
    {
        if (Parse(line) is not { } address)
        {
            return false;
        }

        _address.TrySetResult(address);
        return true;
    }

    /// <summary>
    /// Finds the bootstrap address in a line that mentions it: <c>bootstrap</c> (any case) followed by a list of
    /// loopback <c>host:port</c> entries, for example <c>Bootstrap servers: 127.0.0.1:39093,127.0.0.1:40123</c> or
    /// <c>bootstrap.servers=localhost:9092</c>.
    /// </summary>
    internal static string? Parse(string line)
    {
        var match = BootstrapLine().Match(line);
        return match.Success ? match.Groups["servers"].Value : null;
    }

    private static TaskCompletionSource<string> NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [GeneratedRegex(@"bootstrap[^0-9\[]*?(?<servers>(?:127\.0\.0\.1|localhost|\[::1\]):\d{1,5}(?:\s*,\s*(?:127\.0\.0\.1|localhost|\[::1\]):\d{1,5})*)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex BootstrapLine();
}
