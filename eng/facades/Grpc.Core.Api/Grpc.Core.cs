// Facade of NuGet package Grpc.Core.Api 2.80.0, assembly Grpc.Core.Api.
// Read from grpc/grpc-dotnet tag v2.80.0: src/Grpc.Core.Api/*.cs (CallOptions.cs, Method.cs,
// Metadata.cs, Status.cs, StatusCode.cs, RpcException.cs, ServerCallContext.cs, Marshaller.cs,
// SerializationContext.cs, DeserializationContext.cs, AsyncUnaryCall.cs, AsyncServerStreamingCall.cs,
// AsyncClientStreamingCall.cs, AsyncDuplexStreamingCall.cs, ServerMethods.cs, IAsyncStreamReader.cs,
// IAsyncStreamWriter.cs, IServerStreamWriter.cs, IClientStreamWriter.cs, ServiceBinderBase.cs,
// ServerServiceDefinition.cs, BindServiceMethodAttribute.cs, ClientBase.cs, ChannelBase.cs,
// CallInvoker.cs, WriteOptions.cs, ContextPropagationToken.cs, ContextPropagationOptions.cs,
// CallCredentials.cs, AuthContext.cs).
// The floor is what Grpc.Tools 2.85.0 generates for unary and server-streaming methods; the rest is
// what RedBook's online ring calls. Bodies throw. Never referenced by shipped projects.
#nullable enable
using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace Grpc.Core
{
    public sealed class AsyncClientStreamingCall<TRequest, TResponse> : IDisposable
    {
        public AsyncClientStreamingCall(IClientStreamWriter<TRequest> requestStream, Task<TResponse> responseAsync, Task<Metadata> responseHeadersAsync, Func<Status> getStatusFunc, Func<Metadata> getTrailersFunc, Action disposeAction) { }

        public Task<TResponse> ResponseAsync => throw null!;

        public Task<Metadata> ResponseHeadersAsync => throw null!;

        public IClientStreamWriter<TRequest> RequestStream => throw null!;

        public TaskAwaiter<TResponse> GetAwaiter() => throw null!;

        public ConfiguredTaskAwaitable<TResponse> ConfigureAwait(bool continueOnCapturedContext) => throw null!;

        public Status GetStatus() => throw null!;

        public Metadata GetTrailers() => throw null!;

        public void Dispose() { }
    }

    public sealed class AsyncDuplexStreamingCall<TRequest, TResponse> : IDisposable
    {
        public AsyncDuplexStreamingCall(IClientStreamWriter<TRequest> requestStream, IAsyncStreamReader<TResponse> responseStream, Task<Metadata> responseHeadersAsync, Func<Status> getStatusFunc, Func<Metadata> getTrailersFunc, Action disposeAction) { }

        public IAsyncStreamReader<TResponse> ResponseStream => throw null!;

        public IClientStreamWriter<TRequest> RequestStream => throw null!;

        public Task<Metadata> ResponseHeadersAsync => throw null!;

        public Status GetStatus() => throw null!;

        public Metadata GetTrailers() => throw null!;

        public void Dispose() { }
    }

    public sealed class AsyncServerStreamingCall<TResponse> : IDisposable
    {
        public AsyncServerStreamingCall(IAsyncStreamReader<TResponse> responseStream, Task<Metadata> responseHeadersAsync, Func<Status> getStatusFunc, Func<Metadata> getTrailersFunc, Action disposeAction) { }

        public AsyncServerStreamingCall(IAsyncStreamReader<TResponse> responseStream, Func<object, Task<Metadata>> responseHeadersAsync, Func<object, Status> getStatusFunc, Func<object, Metadata> getTrailersFunc, Action<object> disposeAction, object state) { }

        public IAsyncStreamReader<TResponse> ResponseStream => throw null!;

        public Task<Metadata> ResponseHeadersAsync => throw null!;

        public Status GetStatus() => throw null!;

        public Metadata GetTrailers() => throw null!;

        public void Dispose() { }
    }

    public sealed class AsyncUnaryCall<TResponse> : IDisposable
    {
        public AsyncUnaryCall(Task<TResponse> responseAsync, Task<Metadata> responseHeadersAsync, Func<Status> getStatusFunc, Func<Metadata> getTrailersFunc, Action disposeAction) { }

        public AsyncUnaryCall(Task<TResponse> responseAsync, Func<object, Task<Metadata>> responseHeadersAsync, Func<object, Status> getStatusFunc, Func<object, Metadata> getTrailersFunc, Action<object> disposeAction, object state) { }

        public Task<TResponse> ResponseAsync => throw null!;

        public Task<Metadata> ResponseHeadersAsync => throw null!;

        public TaskAwaiter<TResponse> GetAwaiter() => throw null!;

        public ConfiguredTaskAwaitable<TResponse> ConfigureAwait(bool continueOnCapturedContext) => throw null!;

        public Status GetStatus() => throw null!;

        public Metadata GetTrailers() => throw null!;

        public void Dispose() { }
    }

    public class AuthContext
    {
        private AuthContext() { }

        public bool IsPeerAuthenticated => throw null!;

        public string? PeerIdentityPropertyName => throw null!;
    }

    public class BindServiceMethodAttribute : Attribute
    {
        public BindServiceMethodAttribute(Type bindType, string bindMethodName) { }

        public Type BindType => throw null!;

        public string BindMethodName => throw null!;
    }

    public abstract class CallCredentials
    {
        public static CallCredentials Compose(params CallCredentials[] credentials) => throw null!;
    }

    public abstract class CallInvoker
    {
        public abstract TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
            where TRequest : class
            where TResponse : class;

        public abstract AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
            where TRequest : class
            where TResponse : class;

        public abstract AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
            where TRequest : class
            where TResponse : class;

        public abstract AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options)
            where TRequest : class
            where TResponse : class;

        public abstract AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options)
            where TRequest : class
            where TResponse : class;
    }

    public struct CallOptions
    {
        public CallOptions(Metadata? headers = null, DateTime? deadline = null, CancellationToken cancellationToken = default(CancellationToken), WriteOptions? writeOptions = null, ContextPropagationToken? propagationToken = null, CallCredentials? credentials = null) { }

        public Metadata? Headers => throw null!;

        public DateTime? Deadline => throw null!;

        public CancellationToken CancellationToken => throw null!;

        public WriteOptions? WriteOptions => throw null!;

        public ContextPropagationToken? PropagationToken => throw null!;

        public CallCredentials? Credentials => throw null!;

        public bool IsWaitForReady => throw null!;

        public CallOptions WithHeaders(Metadata headers) => throw null!;

        public CallOptions WithDeadline(DateTime deadline) => throw null!;

        public CallOptions WithCancellationToken(CancellationToken cancellationToken) => throw null!;

        public CallOptions WithWriteOptions(WriteOptions writeOptions) => throw null!;

        public CallOptions WithPropagationToken(ContextPropagationToken propagationToken) => throw null!;

        public CallOptions WithCredentials(CallCredentials credentials) => throw null!;

        public CallOptions WithWaitForReady(bool waitForReady = true) => throw null!;
    }

    public abstract class ChannelBase
    {
        protected ChannelBase(string target) { }

        public string Target => throw null!;

        public abstract CallInvoker CreateCallInvoker();

        public Task ShutdownAsync() => throw null!;

        protected virtual Task ShutdownAsyncCore() => throw null!;
    }

    public abstract class ClientBase<T> : ClientBase
        where T : ClientBase<T>
    {
        protected ClientBase() { }

        protected ClientBase(ClientBaseConfiguration configuration) { }

        public ClientBase(ChannelBase channel) { }

        public ClientBase(CallInvoker callInvoker) { }

        public T WithHost(string host) => throw null!;

        protected abstract T NewInstance(ClientBaseConfiguration configuration);
    }

    public abstract class ClientBase
    {
        protected ClientBase() { }

        protected ClientBase(ClientBaseConfiguration configuration) { }

        public ClientBase(ChannelBase channel) { }

        public ClientBase(CallInvoker callInvoker) { }

        protected CallInvoker CallInvoker => throw null!;

        protected internal class ClientBaseConfiguration
        {
            internal ClientBaseConfiguration() { }
        }
    }

    public abstract class ContextPropagationToken
    {
        internal ContextPropagationToken() { }
    }

    public class ContextPropagationOptions
    {
        public static readonly ContextPropagationOptions Default = null!;

        public ContextPropagationOptions(bool propagateDeadline = true, bool propagateCancellation = true) { }

        public bool IsPropagateDeadline => throw null!;

        public bool IsPropagateCancellation => throw null!;
    }

    public abstract class DeserializationContext
    {
        public abstract int PayloadLength { get; }

        public virtual byte[] PayloadAsNewBuffer() => throw null!;

        public virtual System.Buffers.ReadOnlySequence<byte> PayloadAsReadOnlySequence() => throw null!;
    }

    public interface IAsyncStreamReader<out T>
    {
        T Current { get; }

        Task<bool> MoveNext(CancellationToken cancellationToken);
    }

    public interface IAsyncStreamWriter<in T>
    {
        Task WriteAsync(T message);

        Task WriteAsync(T message, CancellationToken cancellationToken) => throw null!;

        WriteOptions? WriteOptions { get; set; }
    }

    public interface IClientStreamWriter<in T> : IAsyncStreamWriter<T>
    {
        Task CompleteAsync();
    }

    public interface IMethod
    {
        MethodType Type { get; }

        string ServiceName { get; }

        string Name { get; }

        string FullName { get; }
    }

    public interface IServerStreamWriter<in T> : IAsyncStreamWriter<T>
    {
    }

    public class Marshaller<T>
    {
        public Marshaller(Func<T, byte[]> serializer, Func<byte[], T> deserializer) { }

        public Marshaller(Action<T, SerializationContext> serializer, Func<DeserializationContext, T> deserializer) { }

        public Func<T, byte[]> Serializer => throw null!;

        public Func<byte[], T> Deserializer => throw null!;

        public Action<T, SerializationContext> ContextualSerializer => throw null!;

        public Func<DeserializationContext, T> ContextualDeserializer => throw null!;
    }

    public static class Marshallers
    {
        public static Marshaller<T> Create<T>(Func<T, byte[]> serializer, Func<byte[], T> deserializer) => throw null!;

        public static Marshaller<T> Create<T>(Action<T, SerializationContext> serializer, Func<DeserializationContext, T> deserializer) => throw null!;

        public static Marshaller<string> StringMarshaller => throw null!;
    }

    public sealed class Metadata : IList<Metadata.Entry>
    {
        public const string BinaryHeaderSuffix = "-bin";

        public static readonly Metadata Empty = null!;

        public Metadata() { }

        public Entry? Get(string key) => throw null!;

        public string? GetValue(string key) => throw null!;

        public byte[]? GetValueBytes(string key) => throw null!;

        public IEnumerable<Entry> GetAll(string key) => throw null!;

        public void Add(string key, string value) { }

        public void Add(string key, byte[] valueBytes) { }

        public int IndexOf(Metadata.Entry item) => throw null!;

        public void Insert(int index, Metadata.Entry item) { }

        public void RemoveAt(int index) { }

        public Metadata.Entry this[int index] { get => throw null!; set { } }

        public void Add(Metadata.Entry item) { }

        public void Clear() { }

        public bool Contains(Metadata.Entry item) => throw null!;

        public void CopyTo(Metadata.Entry[] array, int arrayIndex) { }

        public int Count => throw null!;

        public bool IsReadOnly => throw null!;

        public bool Remove(Metadata.Entry item) => throw null!;

        public IEnumerator<Metadata.Entry> GetEnumerator() => throw null!;

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => throw null!;

        public class Entry
        {
            public Entry(string key, byte[] valueBytes) { }

            public Entry(string key, string value) { }

            public string Key => throw null!;

            public byte[] ValueBytes => throw null!;

            public string Value => throw null!;

            public bool IsBinary => throw null!;
        }
    }

    public enum MethodType
    {
        Unary,
        ClientStreaming,
        ServerStreaming,
        DuplexStreaming
    }

    public class Method<TRequest, TResponse> : IMethod
    {
        public Method(MethodType type, string serviceName, string name, Marshaller<TRequest> requestMarshaller, Marshaller<TResponse> responseMarshaller) { }

        public MethodType Type => throw null!;

        public string ServiceName => throw null!;

        public string Name => throw null!;

        public Marshaller<TRequest> RequestMarshaller => throw null!;

        public Marshaller<TResponse> ResponseMarshaller => throw null!;

        public string FullName => throw null!;
    }

    public class RpcException : Exception
    {
        public RpcException(Status status) { }

        public RpcException(Status status, string message) { }

        public RpcException(Status status, Metadata trailers) { }

        public RpcException(Status status, Metadata trailers, string message) { }

        public Status Status => throw null!;

        public StatusCode StatusCode => throw null!;

        public Metadata Trailers => throw null!;
    }

    public abstract class SerializationContext
    {
        public virtual void Complete(byte[] payload) { }

        public virtual System.Buffers.IBufferWriter<byte> GetBufferWriter() => throw null!;

        public virtual void SetPayloadLength(int payloadLength) { }

        public virtual void Complete() { }
    }

    public abstract class ServerCallContext
    {
        protected ServerCallContext() { }

        public Task WriteResponseHeadersAsync(Metadata responseHeaders) => throw null!;

        public ContextPropagationToken CreatePropagationToken(ContextPropagationOptions? options = null) => throw null!;

        public string Method => throw null!;

        public string Host => throw null!;

        public string Peer => throw null!;

        public DateTime Deadline => throw null!;

        public Metadata RequestHeaders => throw null!;

        public CancellationToken CancellationToken => throw null!;

        public Metadata ResponseTrailers => throw null!;

        public Status Status { get => throw null!; set { } }

        public WriteOptions? WriteOptions { get => throw null!; set { } }

        public AuthContext AuthContext => throw null!;

        public IDictionary<object, object> UserState => throw null!;

        protected abstract Task WriteResponseHeadersAsyncCore(Metadata responseHeaders);

        protected abstract ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options);

        protected abstract string MethodCore { get; }

        protected abstract string HostCore { get; }

        protected abstract string PeerCore { get; }

        protected abstract DateTime DeadlineCore { get; }

        protected abstract Metadata RequestHeadersCore { get; }

        protected abstract CancellationToken CancellationTokenCore { get; }

        protected abstract Metadata ResponseTrailersCore { get; }

        protected abstract Status StatusCore { get; set; }

        protected abstract WriteOptions? WriteOptionsCore { get; set; }

        protected abstract AuthContext AuthContextCore { get; }

        protected virtual IDictionary<object, object> UserStateCore => throw null!;
    }

    public delegate Task<TResponse> UnaryServerMethod<TRequest, TResponse>(TRequest request, ServerCallContext context)
        where TRequest : class
        where TResponse : class;

    public delegate Task<TResponse> ClientStreamingServerMethod<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context)
        where TRequest : class
        where TResponse : class;

    public delegate Task ServerStreamingServerMethod<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context)
        where TRequest : class
        where TResponse : class;

    public delegate Task DuplexStreamingServerMethod<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context)
        where TRequest : class
        where TResponse : class;

    public class ServerServiceDefinition
    {
        private ServerServiceDefinition() { }

        public void BindService(ServiceBinderBase serviceBinder) { }

        public static Builder CreateBuilder() => throw null!;

        public class Builder
        {
            public Builder() { }

            public Builder AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse> handler)
                where TRequest : class
                where TResponse : class => throw null!;

            public Builder AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse> handler)
                where TRequest : class
                where TResponse : class => throw null!;

            public Builder AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse> handler)
                where TRequest : class
                where TResponse : class => throw null!;

            public Builder AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse> handler)
                where TRequest : class
                where TResponse : class => throw null!;

            public ServerServiceDefinition Build() => throw null!;
        }
    }

    public class ServiceBinderBase
    {
        public virtual void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler)
            where TRequest : class
            where TResponse : class { }

        public virtual void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler)
            where TRequest : class
            where TResponse : class { }

        public virtual void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler)
            where TRequest : class
            where TResponse : class { }

        public virtual void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler)
            where TRequest : class
            where TResponse : class { }
    }

    public struct Status
    {
        public static readonly Status DefaultSuccess = default;

        public static readonly Status DefaultCancelled = default;

        public Status(StatusCode statusCode, string detail) { }

        public Status(StatusCode statusCode, string detail, Exception? debugException) { }

        public StatusCode StatusCode => throw null!;

        public string Detail => throw null!;

        public Exception? DebugException => throw null!;
    }

    public enum StatusCode
    {
        OK = 0,
        Cancelled = 1,
        Unknown = 2,
        InvalidArgument = 3,
        DeadlineExceeded = 4,
        NotFound = 5,
        AlreadyExists = 6,
        PermissionDenied = 7,
        Unauthenticated = 16,
        ResourceExhausted = 8,
        FailedPrecondition = 9,
        Aborted = 10,
        OutOfRange = 11,
        Unimplemented = 12,
        Internal = 13,
        Unavailable = 14,
        DataLoss = 15
    }

    [Flags]
    public enum WriteFlags
    {
        BufferHint = 0x1,
        NoCompress = 0x2
    }

    public class WriteOptions
    {
        public static readonly WriteOptions Default = null!;

        public WriteOptions(WriteFlags flags = default(WriteFlags)) { }

        public WriteFlags Flags => throw null!;
    }
}
