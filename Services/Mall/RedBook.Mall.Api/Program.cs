using RedBook.Mall.Api.Extensions;
using RedBook.ServiceDefaults.Grpc;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapRedBookGrpcHealth();
app.MapMallApi();

app.Run();
