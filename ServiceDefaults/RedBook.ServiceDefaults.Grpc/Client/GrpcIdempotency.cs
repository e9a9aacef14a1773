using System.Reflection;
using Google.Protobuf.Reflection;

namespace RedBook.ServiceDefaults.Grpc.Client;

/// <summary>
/// Which methods of a gRPC client may be retried: those whose .proto declares
/// <c>option idempotency_level = IDEMPOTENT;</c> or <c>NO_SIDE_EFFECTS</c> (protobuf's standard method option), plus the
/// ones listed in <see cref="RedBookGrpcClientOptions.IdempotentMethods"/>. Every other method is sent once: a retry of a
/// call that may have run would repeat its side effect.
/// </summary>
internal sealed class GrpcIdempotency
{
    private readonly HashSet<string> _methods = new(StringComparer.Ordinal);

    /// <summary>Reads the idempotency levels of the service <typeparamref name="TClient"/> calls and adds <paramref name="listed"/>.</summary>
    public static GrpcIdempotency For<TClient>(IEnumerable<string> listed)
    {
        var result = new GrpcIdempotency();
        var service = ServiceDescriptorOf(typeof(TClient));
        foreach (var name in listed)
        {
            // A bare method name belongs to the client's own service.
            result._methods.Add(name.StartsWith('/') ? name : service is null ? name : $"/{service.FullName}/{name}");
        }

        if (service is not null)
        {
            foreach (var method in service.Methods)
            {
                if (method.GetOptions()?.IdempotencyLevel is MethodOptions.Types.IdempotencyLevel.Idempotent or MethodOptions.Types.IdempotencyLevel.NoSideEffects)
                {
                    result._methods.Add($"/{service.FullName}/{method.Name}");
                }
            }
        }

        return result;
    }

    /// <summary>True when the method (<c>/package.Service/Method</c>) may be retried.</summary>
    public bool IsIdempotent(string fullMethodName) => _methods.Contains(fullMethodName);

    /// <summary>The service descriptor the generated client is nested in (<c>FeedService.Descriptor</c>), if any.</summary>
    private static ServiceDescriptor? ServiceDescriptorOf(Type client) =>
        client.DeclaringType?.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as ServiceDescriptor;
}
