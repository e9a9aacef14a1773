using RedBook.Bff.Apis;
using RedBook.Bff.Extensions;
using RedBook.ServiceDefaults.Grpc;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapRedBookGrpcHealth();
app.MapBffOpenApi();
app.MapFeedApi();
//#if (IncludeMall)
app.MapMallApi();
//#endif

app.Run();
