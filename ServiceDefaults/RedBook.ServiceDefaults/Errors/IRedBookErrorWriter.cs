using Microsoft.AspNetCore.Http;

namespace RedBook.ServiceDefaults.Errors;

/// <summary>
/// Writes the error model in another wire form than ProblemDetails for the requests it recognises. The gRPC bindings
/// register one for gRPC requests (<c>application/grpc</c>), so an error the server pipeline raises before the service
/// runs (a malformed <c>grpc-timeout</c>, oversized metadata, shedding, rate limiting, shutdown) reaches a gRPC client
/// as a gRPC status with <c>google.rpc.Status</c> details instead of an HTTP 4xx/5xx it cannot read.
/// <see cref="RedBookProblemDetails.WriteAsync"/> asks every registered writer before writing ProblemDetails.
/// </summary>
public interface IRedBookErrorWriter
{
    /// <summary>True when this writer answers <paramref name="context"/>'s request.</summary>
    bool CanWrite(HttpContext context);

    /// <summary>Writes <paramref name="error"/> as the response of <paramref name="context"/> (which has not started).</summary>
    Task WriteAsync(HttpContext context, RedBookError error);
}
