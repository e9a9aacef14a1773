using BenchmarkDotNet.Attributes;
using Polly;
using RedBook.Benchmarks.Resilience;
using RedBook.ServiceDefaults.Deadline;

namespace RedBook.Benchmarks.Deadline;

/// <summary>
/// The deadline strategy's success path (no ambient deadline: the 100 ms default, shrunk by the 5 ms reserve, a
/// pooled cancellation source armed and reset) against Polly's timeout strategy with the same timeout.
/// </summary>
[MemoryDiagnoser]
public class DeadlineBenchmarks
{
    private ResiliencePipeline<string> _pollyTimeout = null!;
    private ResiliencePipeline<string> _deadline = null!;

    [GlobalSetup]
    public void Setup()
    {
        _pollyTimeout = new ResiliencePipelineBuilder<string>().AddTimeout(TimeSpan.FromMilliseconds(100)).Build();
        _deadline = new ResiliencePipelineBuilder<string>().AddDeadline(new DeadlineStrategyOptions()).Build();
    }

    [Benchmark(Baseline = true)]
    public ValueTask PollyTimeout() => PipelineRunner.Run(_pollyTimeout);

    [Benchmark]
    public ValueTask Deadline() => PipelineRunner.Run(_deadline);

    [Benchmark]
    public ValueTask Deadline_InheritedAmbient()
    {
        using (RequestDeadline.Begin(TimeSpan.FromSeconds(1), TimeProvider.System))
        {
            return PipelineRunner.Run(_deadline);
        }
    }
}

/// <summary>The <c>grpc-timeout</c> codec: allocation-free format and parse.</summary>
[MemoryDiagnoser]
public class GrpcTimeoutBenchmarks
{
    private readonly char[] _buffer = new char[GrpcTimeout.MaxLength];
    private readonly TimeSpan _timeout = TimeSpan.FromMilliseconds(95.5);
    private readonly string _wire = "95500u";

    [Benchmark(Baseline = true)]
    public bool LongTryParse() => long.TryParse(_wire.AsSpan(0, 5), out _);

    [Benchmark]
    public bool TryFormat() => GrpcTimeout.TryFormat(_timeout, _buffer, out _);

    [Benchmark]
    public bool TryParse() => GrpcTimeout.TryParse(_wire, out _);
}
