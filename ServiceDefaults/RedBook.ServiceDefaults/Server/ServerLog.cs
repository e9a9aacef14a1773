using Microsoft.Extensions.Logging;

namespace RedBook.ServiceDefaults.Server;

/// <summary>The server pipeline's source-generated log messages.</summary>
internal static partial class ServerLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Error, Message = "Unhandled exception; answered INTERNAL. TraceId={TraceId}")]
    public static partial void UnhandledException(ILogger logger, Exception exception, string traceId);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "A dependency's error {DependencyCode} {DependencyReason} was translated to {Code} {Reason}. TraceId={TraceId}")]
    public static partial void DependencyErrorTranslated(ILogger logger, Exception exception, RedBook.ServiceDefaults.Errors.ErrorCode dependencyCode, string dependencyReason, RedBook.ServiceDefaults.Errors.ErrorCode code, string reason, string traceId);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "Request ended with {Code} {Reason}: {ErrorMessage}. TraceId={TraceId}")]
    public static partial void RedBookError(ILogger logger, RedBook.ServiceDefaults.Errors.ErrorCode code, string reason, string errorMessage, string traceId);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "The response had already started when {ExceptionType} was thrown; the connection is aborted. TraceId={TraceId}")]
    public static partial void ResponseAlreadyStarted(ILogger logger, Exception exception, string exceptionType, string traceId);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Debug, Message = "The client went away; answered 499. TraceId={TraceId}")]
    public static partial void ClientCancelled(ILogger logger, string traceId);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Information, Message = "The deadline passed; answered DEADLINE_EXCEEDED. TraceId={TraceId}")]
    public static partial void DeadlinePassed(ILogger logger, string traceId);
}
