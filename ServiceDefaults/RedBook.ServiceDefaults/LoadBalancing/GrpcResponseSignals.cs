using RedBook.ServiceDefaults.Errors;

namespace RedBook.ServiceDefaults.LoadBalancing;

/// <summary>What a balanced call's response headers said: HTTP status, <c>grpc-status</c> (if sent in the headers) and server CPU.</summary>
/// <param name="HttpStatus">The HTTP status code.</param>
/// <param name="GrpcStatus">The <c>grpc-status</c> header, present in trailers-only responses; null otherwise.</param>
/// <param name="ServerCpu">The server-reported CPU usage in [0, 1], NaN when not reported.</param>
public readonly record struct GrpcResponseSignals(int HttpStatus, ErrorCode? GrpcStatus, double ServerCpu);
