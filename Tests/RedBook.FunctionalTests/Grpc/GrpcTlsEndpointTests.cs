using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RedBook.FunctionalTests.Grpc.V1;
using RedBook.ServiceDefaults.Grpc.Client;

namespace RedBook.FunctionalTests.Grpc;

/// <summary>
/// A gRPC endpoint served over TLS (<c>RedBook:Grpc:Tls</c>) behind a channel that resolves <c>https+http</c>: the channel
/// is plain text, and the picked endpoint's <c>https</c> scheme switches each call to TLS.
/// </summary>
public sealed class GrpcTlsEndpointTests
{
    [Fact]
    public async Task Say_HttpsEndpointOfAnHttpsPlusHttpChannel_IsCalledOverTls()
    {
        using var certificate = SelfSignedServerCertificate();
        await using var server = await EchoServer.StartAsync(
            "echo",
            new Dictionary<string, string?> { ["RedBook:Grpc:Tls"] = "true" },
            services => services.Configure<KestrelServerOptions>(kestrel => kestrel.ConfigureHttpsDefaults(https => https.ServerCertificate = certificate)));
        var validations = 0;
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["RedBook:Clients:echo:Deadline:DefaultTimeout"] = "00:00:30",
            ["services:echo:grpc:0"] = server.GrpcAddress.ToString(),
        }).Build());
        services.AddRedBookGrpcClient<Echo.EchoClient>("echo", o => o.Schemes = "https+http")
            // Trust the test's certificate, and only it, on this client's handler.
            .ConfigurePrimaryHttpMessageHandler((handler, _) => ((SocketsHttpHandler)handler).SslOptions.RemoteCertificateValidationCallback = (_, presented, _, errors) =>
            {
                Interlocked.Increment(ref validations);
                return presented is not null
                    && presented.GetCertHashString(HashAlgorithmName.SHA256) == certificate.GetCertHashString(HashAlgorithmName.SHA256)
                    && (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None;
            });
        await using var sp = services.BuildServiceProvider();
        using var plainText = GrpcChannel.ForAddress(new UriBuilder(server.GrpcAddress) { Scheme = Uri.UriSchemeHttp }.Uri);

        var reply = await sp.GetRequiredService<Echo.EchoClient>().SayAsync(new SayRequest { Text = "secret" });
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await new Echo.EchoClient(plainText).SayAsync(new SayRequest { Text = "secret" }));

        Assert.Equal(Uri.UriSchemeHttps, server.GrpcAddress.Scheme);
        Assert.Equal(("secret", Uri.UriSchemeHttps), (reply.Text, reply.Scheme));
        Assert.True(Volatile.Read(ref validations) >= 1, "the client never validated a server certificate, so the call was not TLS");
        Assert.Equal(StatusCode.Unavailable, refused.StatusCode); // h2c bytes on the TLS port: the connection fails
    }

    /// <summary>A server certificate for localhost and 127.0.0.1, valid for an hour, signed by its own key.</summary>
    private static X509Certificate2 SelfSignedServerCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false)); // server authentication
        var now = DateTimeOffset.UtcNow;
        using var ephemeral = request.CreateSelfSigned(now.AddMinutes(-5), now.AddHours(1));
        // Through PKCS#12, so the private key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), password: null);
    }
}
