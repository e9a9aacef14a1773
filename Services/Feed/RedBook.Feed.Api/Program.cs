using RedBook.Feed.Api.Extensions;
using RedBook.ServiceDefaults.Grpc;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapRedBookGrpcHealth();
app.MapFeedApi();

app.Run();
