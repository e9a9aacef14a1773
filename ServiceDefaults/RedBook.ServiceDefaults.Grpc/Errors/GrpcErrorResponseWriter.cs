using System.Globalization;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using RedBook.ServiceDefaults.Errors;

namespace RedBook.ServiceDefaults.Grpc.Errors;

/// <summary>
/// Writes an error the server pipeline raises before a gRPC service runs (bad <c>grpc-timeout</c> or metadata, shedding,
/// rate limiting, shutdown, a passed deadline) as a gRPC trailers-only response: HTTP 200, <c>content-type:
/// application/grpc</c>, <c>grpc-status</c>, <c>grpc-message</c>, <c>grpc-status-details-bin</c> (the same
/// <c>google.rpc.Status</c> the interceptor sends) and the RedBook headers. A gRPC client then sees the status, not
/// "Bad gRPC response".
/// </summary>
internal sealed class GrpcErrorResponseWriter(GrpcErrorDomain domain) : IRedBookErrorWriter
{
    public bool CanWrite(HttpContext context) =>
        context.Request.ContentType is { } type && type.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase);

    public Task WriteAsync(HttpContext context, RedBookError error)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        var headers = response.Headers;
        headers["grpc-status"] = ((int)error.Code).ToString(CultureInfo.InvariantCulture);
        headers["grpc-message"] = Uri.EscapeDataString(error.Message);
        headers["grpc-status-details-bin"] = Convert.ToBase64String(GrpcErrorModel.ToRpcStatus(error, domain.Name).ToByteArray()).TrimEnd('=');
        headers[RedBookHeaders.ErrorCode] = ((int)error.Code).ToString(CultureInfo.InvariantCulture);
        headers[RedBookHeaders.ErrorReason] = error.Reason;
        if (error.Metadata.TryGetValue(ErrorMetadataKeys.RetryAfterMs, out var retryAfter))
        {
            headers[RedBookHeaders.RetryPushbackMs] = retryAfter;
        }

        return Task.CompletedTask;
    }
}
