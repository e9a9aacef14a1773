#!/usr/bin/env bash
# The API check: type-checks the online ring (AppHost, gRPC bindings, the services, the Aspire
# integration tests) against the facade assemblies in eng/facades, then proves that the check can
# fail (eng/ApiCheck/RedBook.ApiCheck.Tests feeds it a wrong call and expects the compiler error).
# Exits non-zero on any failure. See README, "The two rings".
set -euo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

start=$(date +%s)
echo "apicheck: compiling the online ring against the facades (warnings are errors)"
dotnet build eng/ApiCheck/ApiCheck.sln -warnaserror -nologo

echo "apicheck: proving the check fails on a wrong call"
REDBOOK_APICHECK_BUILT=1 dotnet test eng/ApiCheck/RedBook.ApiCheck.Tests/RedBook.ApiCheck.Tests.csproj --no-build -nologo

echo "apicheck: passed in $(( $(date +%s) - start ))s"
