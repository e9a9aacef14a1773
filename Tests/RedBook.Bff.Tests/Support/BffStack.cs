extern alias BffApp;
extern alias FeedApi;
//#if (IncludeMall)
extern alias MallApi;
//#endif

using System.Net.Http.Headers;
using Grpc.Net.Client;
using Microsoft.Data.Sqlite;
using RedBook.Testing;
using BffProgram = BffApp::Program;
using FeedProgram = FeedApi::Program;
//#if (IncludeMall)
using MallProgram = MallApi::Program;
//#endif

namespace RedBook.Bff.Tests.Support;

/// <summary>
/// The BFF against the real feed and mall Programs, each on loopback Kestrel with an h2c gRPC endpoint
/// (<c>RedBook:Grpc:Port</c>) and a SQLite file in a temporary folder, plus a real redis-server (the BFF's copies and
/// quota) and a real etcd (its live configuration). The services can be stopped and started again on the same port and
/// data; the BFF reaches them through <c>services__feed-api__grpc__0</c>-style configuration, as the AppHost wires it.
/// </summary>
public sealed class BffStack : IAsyncLifetime
{
    /// <summary>The symmetric key the tests sign bearer tokens with.</summary>
    public static readonly byte[] SigningKey = [.. Enumerable.Range(1, 32).Select(i => (byte)(i * 7))];

    public const string Issuer = "redbook-tests";

    public const string Audience = "redbook-bff";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "redbook-bff-tests-" + Guid.NewGuid().ToString("N"));
    private readonly List<ServiceHost<BffProgram>> _bffs = [];
    private ServiceHost<FeedProgram>? _feed;
//#if (IncludeMall)
    private ServiceHost<MallProgram>? _mall;
    private GrpcChannel? _mallChannel;
//#endif

    public RedisServerProcess Redis { get; } = new();

    public EtcdServer Etcd { get; } = new();

    public int FeedPort { get; } = EtcdServer.FreePort();

//#if (IncludeMall)
    public int MallPort { get; } = EtcdServer.FreePort();

//#endif
    /// <summary>The BFF's service name, hence its etcd configuration prefix.</summary>
    public string ServiceName { get; } = "bff-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>Where the BFF reads its live configuration: <c>/redbook/config/{ServiceName}/</c>.</summary>
    public string ConfigPrefix => $"/redbook/config/{ServiceName}/";

    public Uri BffAddress { get; private set; } = null!;

//#if (IncludeMall)
    /// <summary>The mall's own gRPC API (the tests seed products with it).</summary>
    public global::RedBook.Mall.Contracts.V1.MallService.MallServiceClient Mall { get; private set; } = null!;

//#endif
    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        await Redis.StartAsync();
        await Etcd.StartAsync();
        StartFeed();
//#if (IncludeMall)
        StartMall();
        _mallChannel = GrpcChannel.ForAddress($"http://127.0.0.1:{MallPort}");
        Mall = new global::RedBook.Mall.Contracts.V1.MallService.MallServiceClient(_mallChannel);
//#endif
        BffAddress = StartBff();
    }

    /// <summary>Starts a BFF replica (the first is <see cref="BffAddress"/>) and returns its address.</summary>
    public Uri StartBff()
    {
        var settings = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["services:feed-api:grpc:0"] = $"http://127.0.0.1:{FeedPort}",
//#if (IncludeMall)
            ["services:mall-api:grpc:0"] = $"http://127.0.0.1:{MallPort}",
//#endif
            ["ConnectionStrings:redis"] = Redis.ConnectionString,
            ["RedBook:Etcd:Endpoints:0"] = Etcd.Endpoint,
            ["RedBook:Service:Name"] = ServiceName,
            // The shared machine is slow at times: generous deadlines (a dead service still fails at once: connection refused).
            ["RedBook:Server:DefaultTimeout"] = "00:00:30",
            ["RedBook:Bff:PartTimeout"] = "00:00:10",
            ["RedBook:Clients:Defaults:Deadline:DefaultTimeout"] = "00:00:10",
//#if (IncludeMall)
            // Two orders at once per user, then one per 20 s: the quota test's third order is refused.
            ["RedBook:Quota:bff-orders:Capacity"] = "0.05",
            ["RedBook:Quota:bff-orders:StaticLimit"] = "0.05",
            ["RedBook:Quota:bff-orders:InitialWants"] = "0.05",
            ["RedBook:Quota:bff-orders:Burst"] = "00:00:40",
//#endif
            ["Authentication:Schemes:Bearer:ValidIssuer"] = Issuer,
            ["Authentication:Schemes:Bearer:ValidAudiences:0"] = Audience,
            ["Authentication:Schemes:Bearer:SigningKeys:0:Issuer"] = Issuer,
            ["Authentication:Schemes:Bearer:SigningKeys:0:Value"] = Convert.ToBase64String(SigningKey),
        };
        var bff = new ServiceHost<BffProgram>(settings);
        _bffs.Add(bff);
        return bff.Start();
    }

    /// <summary>Stops a BFF replica that <see cref="StartBff"/> started (not <see cref="BffAddress"/>, which the other tests share).</summary>
    public async Task StopBffAsync(Uri address)
    {
        if (address == BffAddress)
        {
            throw new ArgumentException("The stack's first BFF is shared by every test.", nameof(address));
        }

        var bff = _bffs.Single(b => b.Address == address);
        _bffs.Remove(bff);
        await bff.DisposeAsync();
    }

    public void StartFeed() => _feed = StartService<FeedProgram>(Path.Combine(_directory, "feed.db"), FeedPort);

    public async Task StopFeedAsync()
    {
        if (_feed is { } feed)
        {
            _feed = null;
            await feed.DisposeAsync();
        }
    }

//#if (IncludeMall)
    public void StartMall() => _mall = StartService<MallProgram>(Path.Combine(_directory, "mall.db"), MallPort);

    public async Task StopMallAsync()
    {
        if (_mall is { } mall)
        {
            _mall = null;
            await mall.DisposeAsync();
        }
    }

//#endif
    /// <summary>A client of the first BFF acting as <paramref name="user"/> (the development header), or anonymous.</summary>
    public HttpClient Client(string? user = null, Uri? bff = null)
    {
        var client = new HttpClient { BaseAddress = bff ?? BffAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (user is not null)
        {
            client.DefaultRequestHeaders.Add("x-md-global-uid", user);
        }

        return client;
    }

    /// <summary>A client with a bearer token.</summary>
    public HttpClient BearerClient(string token)
    {
        var client = Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async Task DisposeAsync()
    {
        foreach (var bff in _bffs)
        {
            await bff.DisposeAsync();
        }

//#if (IncludeMall)
        _mallChannel?.Dispose();
        await StopMallAsync();
//#endif
        await StopFeedAsync();
        SqliteConnection.ClearAllPools();
        await Redis.DisposeAsync();
        await Etcd.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Cleaned by the OS.
        }
    }

    private static ServiceHost<TProgram> StartService<TProgram>(string database, int grpcPort)
        where TProgram : class
    {
        var host = new ServiceHost<TProgram>(new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["RedBook:Storage:Sqlite:Path"] = database,
            ["RedBook:Grpc:Port"] = grpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RedBook:Grpc:Host"] = "127.0.0.1",
            ["RedBook:Server:DefaultTimeout"] = "00:00:30",
        });
        host.Start();
        return host;
    }
}

[CollectionDefinition(Name)]
public sealed class BffStackCollection : ICollectionFixture<BffStack>
{
    public const string Name = "bff-stack";
}
