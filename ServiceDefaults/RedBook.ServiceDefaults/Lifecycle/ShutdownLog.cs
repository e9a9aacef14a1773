using Microsoft.Extensions.Logging;

namespace RedBook.ServiceDefaults.Lifecycle;

internal static partial class ShutdownLog
{
    [LoggerMessage(EventId = 4200, Level = LogLevel.Information, Message = "Graceful shutdown: stopped taking new work; {InFlight} requests in flight.")]
    public static partial void Began(ILogger logger, int inFlight);

    [LoggerMessage(EventId = 4201, Level = LogLevel.Warning, Message = "Shutdown participant {Participant} failed or timed out.")]
    public static partial void ParticipantFailed(ILogger logger, Exception exception, string participant);

    [LoggerMessage(EventId = 4202, Level = LogLevel.Information, Message = "Graceful shutdown: drained.")]
    public static partial void Drained(ILogger logger);

    [LoggerMessage(EventId = 4203, Level = LogLevel.Warning, Message = "Graceful shutdown: {InFlight} requests still in flight after the drain timeout {DrainTimeout}.")]
    public static partial void DrainTimedOut(ILogger logger, int inFlight, TimeSpan drainTimeout);

    [LoggerMessage(EventId = 4205, Level = LogLevel.Warning, Message = "Graceful shutdown: drain abandoned after {Elapsed} by a second stop signal; {InFlight} requests still in flight.")]
    public static partial void DrainAbandonedBySignal(ILogger logger, TimeSpan elapsed, int inFlight);

    [LoggerMessage(EventId = 4206, Level = LogLevel.Warning, Message = "Graceful shutdown: drain abandoned after {Elapsed} because the host stopped waiting (HostOptions.ShutdownTimeout); {InFlight} requests still in flight.")]
    public static partial void DrainAbandonedByHost(ILogger logger, TimeSpan elapsed, int inFlight);

    [LoggerMessage(EventId = 4204, Level = LogLevel.Critical, Message = "Second stop signal {Signal}: exiting at once.")]
    public static partial void SecondSignal(ILogger logger, System.Runtime.InteropServices.PosixSignal signal);
}
