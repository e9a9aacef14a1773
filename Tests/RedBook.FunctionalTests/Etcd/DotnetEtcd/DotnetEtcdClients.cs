using System.Net.Http;
using System.Security.Cryptography.X509Certificates;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Net.Client;
using DotnetEtcdClient = dotnet_etcd.EtcdClient;

namespace RedBook.FunctionalTests.Etcd.DotnetEtcd;

/// <summary>
/// dotnet-etcd 10.0.0 clients set up the way a service would use them: its gRPC channel over every endpoint (the
/// library balances round-robin), HTTP/2 keep-alive pings every second so a connection that hangs is noticed within
/// about two seconds (the library's own default is 30 s + 30 s), and for TLS a validation callback that trusts
/// exactly the test member's certificate.
/// </summary>
internal static class DotnetEtcdClients
{
    public static DotnetEtcdClient Connect(string endpoints) =>
        new(endpoints, configureChannelOptions: FastKeepAlive);

    public static DotnetEtcdClient ConnectTls(string endpoints, X509Certificate2? pinned) =>
        new(
            endpoints,
            ssl => ssl.RemoteCertificateValidationCallback = pinned is null
                ? null
                : (_, certificate, _, _) => certificate is not null && certificate.GetCertHashString() == pinned.GetCertHashString(),
            configureChannelOptions: FastKeepAlive);

    /// <summary>A watch of every key under <paramref name="prefix"/> from <paramref name="startRevision"/> (0: from now).</summary>
    public static WatchRequest WatchPrefix(string prefix, long startRevision) => new()
    {
        CreateRequest = new WatchCreateRequest
        {
            Key = ByteString.CopyFromUtf8(prefix),
            RangeEnd = ByteString.CopyFromUtf8(DotnetEtcdClient.GetRangeEnd(prefix)),
            StartRevision = startRevision,
            ProgressNotify = true,
        },
    };

    public static async Task<long> PutRevisionAsync(this DotnetEtcdClient client, string key, string value, long lease = 0) =>
        (await client.PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8(key), Value = ByteString.CopyFromUtf8(value), Lease = lease })).Header.Revision;

    private static void FastKeepAlive(GrpcChannelOptions options)
    {
        var handler = (SocketsHttpHandler)options.HttpHandler!;
        handler.KeepAlivePingDelay = TimeSpan.FromSeconds(1);
        handler.KeepAlivePingTimeout = TimeSpan.FromSeconds(1);
        handler.ConnectTimeout = TimeSpan.FromSeconds(2);
    }
}
