// Facade of NuGet package Aspire.Hosting.AppHost 13.5.2, assembly Aspire.Hosting.AppHost.
// Read from microsoft/aspire tag v13.5.2: src/Aspire.Hosting.AppHost/api/Aspire.Hosting.AppHost.cs,
// which declares no public types: the package carries MSBuild logic (implicit usings, the Projects.*
// metadata types) and depends on Aspire.Hosting. eng/ApiCheck/Sdk/Aspire.AppHost.Sdk.targets emulates
// that MSBuild logic for the API check.
