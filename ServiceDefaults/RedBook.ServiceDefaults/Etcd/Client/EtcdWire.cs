using System.Text.Json.Serialization;

namespace RedBook.ServiceDefaults.Etcd.Client;

// The JSON shapes of etcd's v3 gRPC gateway (api/etcdserverpb/rpc.proto, mvccpb/kv.proto, rendered by
// grpc-gateway with the proto's original field names). Keys and values are base64 (byte[]); int64s travel as
// JSON strings; fields at their zero value are omitted by the server.

internal sealed class EtcdResponseHeader
{
    public long Revision { get; set; }
}

internal sealed class EtcdWireKeyValue
{
    public byte[]? Key { get; set; }

    public long CreateRevision { get; set; }

    public long ModRevision { get; set; }

    public long Version { get; set; }

    public byte[]? Value { get; set; }

    public long Lease { get; set; }
}

internal sealed class EtcdRangeRequest
{
    public byte[]? Key { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public byte[]? RangeEnd { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long Revision { get; set; }
}

internal sealed class EtcdRangeResponse
{
    public EtcdResponseHeader? Header { get; set; }

    public List<EtcdWireKeyValue>? Kvs { get; set; }

    public long Count { get; set; }
}

internal sealed class EtcdPutRequest
{
    public byte[]? Key { get; set; }

    public byte[]? Value { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long Lease { get; set; }
}

internal sealed class EtcdPutResponse
{
    public EtcdResponseHeader? Header { get; set; }
}

internal sealed class EtcdDeleteRangeRequest
{
    public byte[]? Key { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public byte[]? RangeEnd { get; set; }
}

internal sealed class EtcdDeleteRangeResponse
{
    public EtcdResponseHeader? Header { get; set; }

    public long Deleted { get; set; }
}

internal sealed class EtcdCompare
{
    /// <summary>EQUAL, GREATER, LESS or NOT_EQUAL.</summary>
    public string Result { get; set; } = "EQUAL";

    /// <summary>VERSION, CREATE, MOD, VALUE or LEASE.</summary>
    public string Target { get; set; } = "MOD";

    public byte[]? Key { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? ModRevision { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? CreateRevision { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Version { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public byte[]? Value { get; set; }
}

internal sealed class EtcdRequestOp
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public EtcdRangeRequest? RequestRange { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public EtcdPutRequest? RequestPut { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public EtcdDeleteRangeRequest? RequestDeleteRange { get; set; }
}

internal sealed class EtcdResponseOp
{
    public EtcdRangeResponse? ResponseRange { get; set; }

    public EtcdPutResponse? ResponsePut { get; set; }

    public EtcdDeleteRangeResponse? ResponseDeleteRange { get; set; }
}

internal sealed class EtcdTxnRequest
{
    public List<EtcdCompare> Compare { get; set; } = [];

    public List<EtcdRequestOp> Success { get; set; } = [];

    public List<EtcdRequestOp> Failure { get; set; } = [];
}

internal sealed class EtcdTxnResponse
{
    public EtcdResponseHeader? Header { get; set; }

    public bool Succeeded { get; set; }

    public List<EtcdResponseOp>? Responses { get; set; }
}

internal sealed class EtcdLeaseGrantRequest
{
    [JsonPropertyName("TTL")]
    public long Ttl { get; set; }
}

internal sealed class EtcdLeaseGrantResponse
{
    public EtcdResponseHeader? Header { get; set; }

    [JsonPropertyName("ID")]
    public long Id { get; set; }

    [JsonPropertyName("TTL")]
    public long Ttl { get; set; }

    public string? Error { get; set; }
}

internal sealed class EtcdLeaseIdRequest
{
    [JsonPropertyName("ID")]
    public long Id { get; set; }
}

internal sealed class EtcdLeaseKeepAliveResponse
{
    public EtcdResponseHeader? Header { get; set; }

    [JsonPropertyName("ID")]
    public long Id { get; set; }

    [JsonPropertyName("TTL")]
    public long Ttl { get; set; }
}

internal sealed class EtcdLeaseRevokeResponse
{
    public EtcdResponseHeader? Header { get; set; }
}

internal sealed class EtcdAuthenticateRequest
{
    public string? Name { get; set; }

    public string? Password { get; set; }
}

internal sealed class EtcdAuthenticateResponse
{
    public EtcdResponseHeader? Header { get; set; }

    public string? Token { get; set; }
}

internal sealed class EtcdWatchCreateRequest
{
    public byte[]? Key { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public byte[]? RangeEnd { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long StartRevision { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool PrevKv { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool ProgressNotify { get; set; }
}

internal sealed class EtcdWatchRequest
{
    public EtcdWatchCreateRequest? CreateRequest { get; set; }
}

internal sealed class EtcdWireEvent
{
    /// <summary>PUT (the default, omitted on the wire) or DELETE.</summary>
    public string? Type { get; set; }

    public EtcdWireKeyValue? Kv { get; set; }
}

internal sealed class EtcdWatchResponse
{
    public EtcdResponseHeader? Header { get; set; }

    public long WatchId { get; set; }

    public bool Created { get; set; }

    public bool Canceled { get; set; }

    public long CompactRevision { get; set; }

    public string? CancelReason { get; set; }

    public List<EtcdWireEvent>? Events { get; set; }
}

/// <summary>A streamed message: <c>{"result": …}</c> or <c>{"error": …}</c>.</summary>
internal sealed class EtcdStreamEnvelope<T>
    where T : class
{
    public T? Result { get; set; }

    public EtcdGatewayError? Error { get; set; }
}

/// <summary>The gateway's error body: <c>{"error": "...", "message": "...", "code": 5}</c> (code is google.rpc.Code).</summary>
internal sealed class EtcdGatewayError
{
    public string? Error { get; set; }

    public string? Message { get; set; }

    public int Code { get; set; }

    /// <summary>The code as a streamed error carries it (<c>{"error": {"grpc_code": 5, ...}}</c>).</summary>
    public int GrpcCode { get; set; }

    public int EffectiveCode => Code != 0 ? Code : GrpcCode;

    public string Text => Message ?? Error ?? "unknown error";
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.WriteAsString,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(EtcdRangeRequest))]
[JsonSerializable(typeof(EtcdRangeResponse))]
[JsonSerializable(typeof(EtcdPutRequest))]
[JsonSerializable(typeof(EtcdPutResponse))]
[JsonSerializable(typeof(EtcdDeleteRangeRequest))]
[JsonSerializable(typeof(EtcdDeleteRangeResponse))]
[JsonSerializable(typeof(EtcdTxnRequest))]
[JsonSerializable(typeof(EtcdTxnResponse))]
[JsonSerializable(typeof(EtcdLeaseGrantRequest))]
[JsonSerializable(typeof(EtcdLeaseGrantResponse))]
[JsonSerializable(typeof(EtcdLeaseIdRequest))]
[JsonSerializable(typeof(EtcdStreamEnvelope<EtcdLeaseKeepAliveResponse>))]
[JsonSerializable(typeof(EtcdLeaseRevokeResponse))]
[JsonSerializable(typeof(EtcdAuthenticateRequest))]
[JsonSerializable(typeof(EtcdAuthenticateResponse))]
[JsonSerializable(typeof(EtcdWatchRequest))]
[JsonSerializable(typeof(EtcdStreamEnvelope<EtcdWatchResponse>))]
[JsonSerializable(typeof(EtcdGatewayError))]
internal sealed partial class EtcdJsonContext : JsonSerializerContext;
