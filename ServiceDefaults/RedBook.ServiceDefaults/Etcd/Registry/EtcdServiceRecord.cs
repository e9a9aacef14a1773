using System.Text.Json.Serialization;

namespace RedBook.ServiceDefaults.Etcd.Registry;

/// <summary>
/// The JSON value of <c>/redbook/services/{name}/{instanceId}</c>:
/// <c>{"addresses":["http://10.0.0.4:8080"],"endpoints":{"grpc":["http://10.0.0.4:8081"]},"version":"1.2.0","zone":"az1","color":null,"weight":100,"registeredAt":"2026-01-01T00:00:00+00:00"}</c>.
/// <c>addresses</c> are the instance's default endpoints (what <c>http://feed</c> resolves to); <c>endpoints</c> are
/// its named ones (what <c>http://_grpc.feed</c> resolves to), as Aspire's <c>services:{name}:{endpoint}</c>.
/// </summary>
internal sealed class EtcdServiceRecord
{
    public const string KeyPrefix = "/redbook/services/";

    public List<string>? Addresses { get; set; }

    public Dictionary<string, List<string>>? Endpoints { get; set; }

    public string? Version { get; set; }

    public string? Zone { get; set; }

    public string? Color { get; set; }

    public int? Weight { get; set; }

    public DateTimeOffset? RegisteredAt { get; set; }

    public static string KeyOf(string service, string instanceId) => KeyPrefix + service + "/" + instanceId;
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(EtcdServiceRecord))]
internal sealed partial class EtcdRegistryJsonContext : JsonSerializerContext;
