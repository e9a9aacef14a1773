using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using RedBook.ServiceDefaults.Errors;
using RpcStatus = Google.Rpc.Status;

namespace RedBook.ServiceDefaults.Grpc.Errors;

/// <summary>
/// The gRPC wire form of a <see cref="RedBookError"/>: the status code, the message, and a <c>google.rpc.Status</c> in
/// <c>grpc-status-details-bin</c> whose details are <c>google.rpc.ErrorInfo</c> (reason, domain = the service, metadata),
/// <c>google.rpc.BadRequest</c> (the field violations of an invalid argument) and <c>google.rpc.RetryInfo</c> (server
/// pushback, from <see cref="ErrorMetadataKeys.RetryAfterMs"/>). The trailers also carry <c>x-redbook-code</c> and
/// <c>x-redbook-reason</c>, which the access log and non-gRPC tooling read.
/// </summary>
public static class GrpcErrorModel
{
    /// <summary>The <c>google.rpc.Status</c> of <paramref name="error"/> raised by the service <paramref name="domain"/>.</summary>
    public static RpcStatus ToRpcStatus(RedBookError error, string domain)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentException.ThrowIfNullOrWhiteSpace(domain);
        var status = new RpcStatus { Code = (int)error.Code, Message = error.Message };
        var info = new ErrorInfo { Reason = error.Reason, Domain = domain };
        foreach (var (key, value) in error.Metadata)
        {
            info.Metadata[key] = value;
        }

        status.Details.Add(Any.Pack(info));
        var violations = error.FieldViolations.Count > 0
            ? error.FieldViolations
            : error.Code == ErrorCode.InvalidArgument && error.Metadata.TryGetValue(ErrorMetadataKeys.Field, out var field)
                ? [new RedBookFieldViolation(field, error.Message)]
                : [];
        if (violations.Count > 0)
        {
            var badRequest = new BadRequest();
            foreach (var violation in violations)
            {
                badRequest.FieldViolations.Add(new BadRequest.Types.FieldViolation { Field = violation.Field, Description = violation.Description });
            }

            status.Details.Add(Any.Pack(badRequest));
        }

        if (error.Metadata.TryGetValue(ErrorMetadataKeys.RetryAfterMs, out var retryAfter)
            && long.TryParse(retryAfter, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms) && ms >= 0)
        {
            status.Details.Add(Any.Pack(new RetryInfo { RetryDelay = Duration.FromTimeSpan(TimeSpan.FromMilliseconds(ms)) }));
        }

        return status;
    }

    /// <summary>The <see cref="RpcException"/> a server throws for <paramref name="error"/>: status, details and the RedBook trailers.</summary>
    public static RpcException ToRpcException(RedBookError error, string domain)
    {
        var exception = ToRpcStatus(error, domain).ToRpcException();
        AddRedBookTrailers(exception.Trailers, error);
        return exception;
    }

    /// <summary>Adds <c>x-redbook-code</c>, <c>x-redbook-reason</c> and, with pushback, <c>grpc-retry-pushback-ms</c>.</summary>
    public static void AddRedBookTrailers(global::Grpc.Core.Metadata trailers, RedBookError error)
    {
        ArgumentNullException.ThrowIfNull(trailers);
        ArgumentNullException.ThrowIfNull(error);
        trailers.Add(RedBookHeaders.ErrorCode, ((int)error.Code).ToString(CultureInfo.InvariantCulture));
        trailers.Add(RedBookHeaders.ErrorReason, error.Reason);
        if (error.Metadata.TryGetValue(ErrorMetadataKeys.RetryAfterMs, out var retryAfter))
        {
            trailers.Add(RedBookHeaders.RetryPushbackMs, retryAfter);
        }
    }

    /// <summary>
    /// Reads a failed call back into a <see cref="RedBookError"/>: the code is the status's; reason and metadata come from
    /// <c>google.rpc.ErrorInfo</c>, field violations from <c>google.rpc.BadRequest</c>, pushback from
    /// <c>google.rpc.RetryInfo</c> (else <c>grpc-retry-pushback-ms</c>). A status without details (a proxy, another
    /// stack, the transport) gets the reason <c>x-redbook-reason</c> or <see cref="WellKnownReasons.UnexpectedResponse"/>.
    /// </summary>
    public static RedBookError FromRpcException(RpcException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var code = (ErrorCode)(int)exception.StatusCode;
        var message = exception.Status.Detail;
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var violations = new List<RedBookFieldViolation>();
        string? reason = null;
        RpcStatus? status = null;
        try
        {
            status = exception.GetRpcStatus();
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            // Malformed details: fall back to the status alone.
        }

        if (status is not null)
        {
            message = status.Message;
            foreach (var detail in status.Details)
            {
                if (detail.TryUnpack<ErrorInfo>(out var info))
                {
                    reason = info.Reason;
                    foreach (var (key, value) in info.Metadata)
                    {
                        metadata[key] = value;
                    }
                }
                else if (detail.TryUnpack<BadRequest>(out var badRequest))
                {
                    violations.AddRange(badRequest.FieldViolations.Select(v => new RedBookFieldViolation(v.Field, v.Description)));
                }
                else if (detail.TryUnpack<RetryInfo>(out var retry) && retry.RetryDelay is { } delay)
                {
                    metadata[ErrorMetadataKeys.RetryAfterMs] = ((long)delay.ToTimeSpan().TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
                }
            }
        }

        reason ??= exception.Trailers.GetValue(RedBookHeaders.ErrorReason) is { Length: > 0 } trailerReason ? trailerReason : WellKnownReasons.UnexpectedResponse;
        if (!metadata.ContainsKey(ErrorMetadataKeys.RetryAfterMs) && exception.Trailers.GetValue(RedBookHeaders.RetryPushbackMs) is { Length: > 0 } pushback)
        {
            metadata[ErrorMetadataKeys.RetryAfterMs] = pushback;
        }

        return new RedBookError(code == ErrorCode.Ok ? ErrorCode.Unknown : code, reason, message ?? string.Empty, metadata) { FieldViolations = violations };
    }
}
