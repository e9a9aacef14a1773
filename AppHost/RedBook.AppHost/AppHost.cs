// The system: the infrastructure of the chosen mode (containers, or local executables where no container
// runtime answers; docs/apphost.md), then the services, which wait for what they use.
using RedBook.AppHost;

var builder = DistributedApplication.CreateBuilder(args);

var infrastructure = builder.AddInfrastructure();

var feed = builder.AddProject<Projects.RedBook_Feed_Api>("feed-api")
    .WithRedBookDefaults(infrastructure, infrastructure.FeedDb, storeName: "feed")
    .WithReplicas(2);

//#if (IncludeMall)
var mall = builder.AddProject<Projects.RedBook_Mall_Api>("mall-api")
    .WithRedBookDefaults(infrastructure, infrastructure.MallDb, storeName: "mall")
    .WithReplicas(2);

//#endif
builder.AddProject<Projects.RedBook_Bff>("bff")
    .WithRedBookDefaults(infrastructure)
    .WithReference(feed).WaitFor(feed)
//#if (IncludeMall)
    .WithReference(mall).WaitFor(mall)
//#endif
    .WithExternalHttpEndpoints();

//-:cnd:noEmit
#if REDBOOK_KUBERNETES
RedBook.AppHost.Publishing.KubernetesPublishing.AddRedBookKubernetes(builder); // -p:RedBookKubernetes=true, docs/deploy.md
#endif
//+:cnd:noEmit

builder.Build().Run();
