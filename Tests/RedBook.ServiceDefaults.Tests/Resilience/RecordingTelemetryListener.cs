using Polly.Telemetry;

namespace RedBook.ServiceDefaults.Tests.Resilience;

/// <summary>Records the names of the events that strategies report.</summary>
internal sealed class RecordingTelemetryListener : TelemetryListener
{
    private readonly List<string> _events = [];

    public IReadOnlyList<string> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    public List<object?> Arguments { get; } = [];

    public override void Write<TResult, TArgs>(in TelemetryEventArguments<TResult, TArgs> args)
    {
        lock (_events)
        {
            _events.Add(args.Event.EventName);
            Arguments.Add(args.Arguments);
        }
    }
}
