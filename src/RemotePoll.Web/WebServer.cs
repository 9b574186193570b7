using System.Net;
using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using RemotePoll.Cluster.Hosting;
using RemotePoll.Cluster.Metrics;
using RemotePoll.Cluster.OAuth;
using RemotePoll.Cluster.Persistence;
using RemotePoll.Core.Secrets;
using RemotePoll.Mail.OAuth;
using RemotePoll.Web.Health;
using RemotePoll.Web.OAuth;
using RemotePoll.Web.SignIn;

namespace RemotePoll.Web;

/// <summary>
/// The node's web front: Kestrel serving the Razor pages, <c>/metrics</c> (Prometheus, OpenTelemetry) and
/// <c>/health/live</c>, <c>/health/ready</c>. It runs beside the node's generic host and reaches the cluster only through
/// the node's actor system (the admin API), so the pages can do nothing the CLI could not.
/// </summary>
public sealed class WebServer(WebSettings settings, NodeOptions node, IServiceProvider nodeServices, MailPasswordSignIn mailSignIn,
    ISecretSealer sealer, IOAuthConsent consent, ILogger<WebServer> log) : IHostedService
{
    public const string ReadyTag = "ready";
    public const string LiveTag = "live";

    private WebApplication? _app;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (settings.Listen is not { } listen) return;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(WebServer).Assembly.GetName().Name, // where the compiled pages are
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
        });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(nodeServices.GetRequiredService<ILoggerFactory>());
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            foreach (var address in Addresses(listen.Host))
                k.Listen(address, listen.Port!.Value, l => { if (settings.Https) l.UseHttps(Certificate()); });
        });
        Configure(builder.Services);
        _app = builder.Build();
        Map(_app);
        await _app.StartAsync(cancellationToken);
        log.LogInformation("Web UI on {Scheme}://{Listen}/ (metrics /metrics, health /health/ready)", settings.Https ? "https" : "http", listen);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is null) return;
        await _app.StopAsync(cancellationToken);
        await _app.DisposeAsync();
    }

    private void Configure(IServiceCollection services)
    {
        services.AddSingleton(settings);
        services.AddSingleton(node);
        services.AddSingleton<IJournalProbe>(new JournalProbe(node));
        services.AddSingleton(_ => nodeServices.GetRequiredService<ActorSystem>());
        services.AddSingleton(_ => nodeServices.GetRequiredService<ActorRegistry>());
        services.AddSingleton<AdminGateway>();
        services.AddSingleton(mailSignIn);
        // OAuth2 Connect: the consents under way, the provider registry (client secrets opened only here), the token requests.
        services.AddSingleton(new PendingConsents(TimeProvider.System));
        services.AddSingleton(sp => new OAuthProviderLookup(sp.GetRequiredService<ActorRegistry>(), sealer));
        services.AddSingleton(consent);
        services.AddRazorPages(o =>
        {
            o.Conventions.AuthorizeFolder("/");
            o.Conventions.AllowAnonymousToPage("/SignIn");
            o.Conventions.AllowAnonymousToPage("/OAuth/Callback"); // the session cookie is not sent on the provider's redirect
        });
        var secure = settings.Https ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "rpoll.antiforgery";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = secure;
            o.Cookie.HttpOnly = true;
        });
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(o =>
        {
            o.LoginPath = "/signin";
            o.LogoutPath = "/signout";
            o.AccessDeniedPath = "/signin";
            o.Cookie.Name = "rpoll.session";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = secure;
            o.ExpireTimeSpan = settings.Session;
            o.SlidingExpiration = true;
            o.Events.OnValidatePrincipal = SessionUser.RejectExpiredToken;
        });
        services.AddAuthorization();
        // The session cookie is protected with keys kept in the data folder, so sessions survive a restart.
        services.AddDataProtection()
            .SetApplicationName("remotepoll")
            .PersistKeysToFileSystem(KeyFolder());
        services.AddHealthChecks()
            .AddCheck<ActorSystemCheck>("actor-system", tags: [LiveTag, ReadyTag])
            .AddCheck<ClusterMemberCheck>("cluster-member", tags: [ReadyTag])
            .AddCheck<JournalCheck>("journal", tags: [ReadyTag]);
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("remotepoll", serviceInstanceId: $"{node.Hostname}:{node.Port}"))
            .WithMetrics(m => m.AddMeter(PollMetrics.MeterName).AddPrometheusExporter());
    }

    private static void Map(WebApplication app)
    {
        app.UseExceptionHandler("/error");
        app.Use(async (context, next) =>
        {
            // Pages are never framed or cached by shared caches; no script runs but what the page itself carries.
            context.Response.Headers["X-Frame-Options"] = "DENY";
            context.Response.Headers["X-Content-Type-Options"] = "nosniff";
            context.Response.Headers["Referrer-Policy"] = "same-origin";
            context.Response.Headers["Content-Security-Policy"] = "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; form-action 'self'";
            await next();
        });
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = c => c.Tags.Contains(LiveTag), ResponseWriter = HealthText.WriteAsync });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = HealthText.WriteAsync });
        app.MapRazorPages();
    }

    /// <summary>DATA/web-keys, readable by the node's user only: whoever reads these keys can forge sessions.</summary>
    private DirectoryInfo KeyFolder()
    {
        var path = Path.Combine(node.DataDir, "web-keys");
        return OperatingSystem.IsWindows() ? Directory.CreateDirectory(path)
            : Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private X509Certificate2 Certificate()
    {
        using var pem = X509Certificate2.CreateFromPemFile(settings.CertificateFile!, settings.CertificateKeyFile);
        // Kestrel needs the key in a form the platform's TLS can use; a PKCS#12 round trip gives it one.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    private static IEnumerable<IPAddress> Addresses(string host) =>
        IPAddress.TryParse(host, out var ip) ? [ip]
        : host.Equals("localhost", StringComparison.OrdinalIgnoreCase) ? [IPAddress.Loopback]
        : Dns.GetHostAddresses(host).Take(1);
}
