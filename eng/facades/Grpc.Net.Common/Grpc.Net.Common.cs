// Facade of NuGet package Grpc.Net.Common 2.80.0, assembly Grpc.Net.Common.
// Read from grpc/grpc-dotnet tag v2.80.0: src/Grpc.Net.Common/ConnectivityState.cs.
// Bodies throw. Never referenced by shipped projects.
#nullable enable

namespace Grpc.Core
{
    public enum ConnectivityState
    {
        Idle,
        Connecting,
        Ready,
        TransientFailure,
        Shutdown
    }
}
