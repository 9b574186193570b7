using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RemotePoll.Cluster.Hosting;
using RemotePoll.Cluster.Secrets;
using RemotePoll.Host;

NodeOptions options;
try
{
    if (args is ["--help"] or ["-h"]) { Console.WriteLine(NodeCommandLine.Usage); return 0; }
    options = NodeCommandLine.Parse(args, Environment.GetEnvironmentVariable);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"remotepoll: {ex.Message}");
    Console.Error.WriteLine(NodeCommandLine.Usage);
    return 2;
}

Directory.CreateDirectory(options.DataDir);
var sealer = KeyRing.LoadOrCreate(options.KeyFile);

var builder = Host.CreateApplicationBuilder();
builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole(c =>
{
    c.SingleLine = true;
    c.TimestampFormat = "yyyy-MM-dd HH:mm:ss.fff ";
    c.UseUtcTimestamp = true;
});
builder.Services.AddAkka(NodeOptions.SystemName, (akka, _) =>
{
    akka.ConfigureLoggers(l =>
    {
        l.ClearLoggers();
        l.AddLoggerFactory();
    });
    akka.AddRemotePoll(options, sealer);
});

using var host = builder.Build();
var log = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("RemotePoll");
log.LogInformation("RemotePoll node {Host}:{Port}, data in {Data}, {Db}", options.Hostname, options.Port,
    Path.GetFullPath(options.DataDir), options.Database is null ? "SQLite" : "PostgreSQL");
await host.RunAsync();
return 0;
