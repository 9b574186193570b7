using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RemotePoll.Cluster.Hosting;
using RemotePoll.Cluster.Polling;
using RemotePoll.Cluster.Secrets;
using RemotePoll.Core.Security;
using RemotePoll.Mail.Delivery;
using RemotePoll.Host;
using RemotePoll.Web;

NodeOptions options;
PollEnvironment environment;
ClusterSecret secret;
WebSettings web;
try
{
    if (args is ["--help"] or ["-h"]) { Console.WriteLine(NodeCommandLine.Usage); return 0; }
    options = NodeCommandLine.Parse(args, Environment.GetEnvironmentVariable);
    PersistenceSetup.CreateDataFolder(options.DataDir);
    var sealer = KeyRing.Load(options.DataDir, Environment.GetEnvironmentVariable);
    secret = ClusterSecretFile.LoadOrCreate(options.DataDir, Environment.GetEnvironmentVariable);
    var hocon = PollEnvironmentFactory.LoadHocon(options);
    Func<string, string?> env = name => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;
    options = options with { Tls = ClusterTls.From(hocon, options.TlsCertificate, options.TlsKey, options.TlsCaFile, env) };
    options.Tls?.Setup(); // a certificate or CA file that cannot be read stops the node here, with the reason
    environment = PollEnvironmentFactory.Create(options, hocon, sealer, env);
    web = WebSettings.From(options, hocon, env);
}
catch (Exception ex) when (ex is ArgumentException or DeliveryTargetException or InvalidDataException or IOException
    or FormatException or Akka.Configuration.ConfigurationException)
{
    Console.Error.WriteLine($"remotepoll: {ex.Message}");
    Console.Error.WriteLine(NodeCommandLine.Usage);
    return 2;
}

var builder = Host.CreateApplicationBuilder();
builder.Logging.ClearProviders();
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
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
    akka.AddRemotePoll(options, environment, secret);
});

builder.Services.AddRemotePollWeb(web, options, environment, secret);

using var host = builder.Build();
var log = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("RemotePoll");
log.LogInformation("RemotePoll node {Host}:{Port}, data in {Data}, {Db}", options.Hostname, options.Port,
    Path.GetFullPath(options.DataDir), options.Database is null ? "SQLite" : "PostgreSQL");
log.LogInformation("Admin API tokens verified with the {Secret}; passwords sealed with the {Keys}", secret, environment.Sealer);
log.LogInformation("Cluster transport: {Transport}", options.Tls is null ? "TCP without TLS" : $"TLS (certificate {options.Tls.Certificate}, peers must chain to {options.Tls.CaFile})");
log.LogInformation("Cluster formation: {Formation}", options.Bootstrap is null ? $"seeds {string.Join(", ", options.SeedAddresses)}"
    : $"bootstrap ({options.Bootstrap} discovery of '{options.BootstrapService}', management at {options.Management ?? "the first address:8558"}, {options.BootstrapRequired} contact points to form)");
log.LogInformation("Delivery: queue {Queue}, mailbox store {Store}", environment.Queue.GetType().Name, environment.Store.GetType().Name);
await host.RunAsync();
return 0;
