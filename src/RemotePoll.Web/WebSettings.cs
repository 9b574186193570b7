using Akka.Configuration;
using RemotePoll.Cluster.Hosting;
using RemotePoll.Core.Records;

namespace RemotePoll.Web;

/// <summary>
/// Where and how a node serves its web UI: <c>--web HOST:PORT|off</c> (or RPOLL_WEB) over <c>remotepoll.web</c> in
/// HOCON; HTTPS when a PEM certificate and key are given (RPOLL_WEB_CERT / RPOLL_WEB_KEY over HOCON).
/// </summary>
public sealed record WebSettings
{
    public const string DefaultListen = "127.0.0.1:8010";

    /// <summary>The address to listen on; null when the web UI is off.</summary>
    public HostAndPort? Listen { get; init; }
    public string? CertificateFile { get; init; }
    public string? CertificateKeyFile { get; init; }
    public TimeSpan Session { get; init; } = TimeSpan.FromHours(8);
    public TimeSpan UserTokenLifetime { get; init; } = TimeSpan.FromHours(8);
    /// <summary>
    /// How browsers reach this node (<c>remotepoll.web.public-url</c>, e.g. <c>https://poll1.example.com</c>), for the
    /// OAuth2 redirect URI registered at the providers; null: taken from each request (scheme and Host header).
    /// </summary>
    public Uri? PublicUrl { get; init; }

    public bool Https => CertificateFile is not null;

    /// <summary>The OAuth2 redirect URI: <see cref="PublicUrl"/> + oauth/callback, else the request's own scheme and host.</summary>
    public string OAuthCallbackUrl(string requestScheme, string requestHost) =>
        PublicUrl is { } root ? new Uri(root, "oauth/callback").ToString() : $"{requestScheme}://{requestHost}/oauth/callback";

    /// <summary>The settings in force; throws <see cref="ArgumentException"/> naming the option and the reason.</summary>
    public static WebSettings From(NodeOptions options, Config hocon, Func<string, string?> environment)
    {
        var c = hocon.GetConfig("remotepoll.web") ?? Config.Empty;
        var (name, listen) = options.Web is { } w ? ("--web", w) : ("remotepoll.web.listen", c.GetString("listen", DefaultListen));
        HostAndPort? endpoint = null;
        if (!listen.Trim().Equals("off", StringComparison.OrdinalIgnoreCase))
        {
            endpoint = HostAndPort.TryParse(listen, out var reason);
            if (endpoint is not { Port: not null })
                throw new ArgumentException($"{name}: '{listen}' is not HOST:PORT or off{(reason is null ? "" : ": " + reason)}");
        }
        var cert = environment("RPOLL_WEB_CERT") ?? NullIfEmpty(c.GetString("certificate", ""));
        var key = environment("RPOLL_WEB_KEY") ?? NullIfEmpty(c.GetString("certificate-key", ""));
        if (cert is null != key is null)
            throw new ArgumentException("remotepoll.web.certificate and certificate-key: give both (PEM files) or neither");
        foreach (var f in new[] { cert, key })
            if (f is not null && !File.Exists(f)) throw new ArgumentException($"remotepoll.web: certificate file '{f}' does not exist");
        var publicUrl = PublicUrlOf(NullIfEmpty(c.GetString("public-url", "")));
        return new WebSettings
        {
            Listen = endpoint,
            CertificateFile = cert,
            CertificateKeyFile = key,
            Session = c.GetTimeSpan("session", TimeSpan.FromHours(8)),
            UserTokenLifetime = c.GetTimeSpan("user-token", TimeSpan.FromHours(8)),
            PublicUrl = publicUrl,
        };
    }

    /// <summary>An absolute http(s) URL of a site root (a path prefix is kept, for a node behind a proxy at /rpoll).</summary>
    private static Uri? PublicUrlOf(string? text)
    {
        if (text is null) return null;
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")
            || uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0)
            throw new ArgumentException($"remotepoll.web.public-url: '{text}' is not an absolute https URL without user info, query or fragment");
        return new Uri(uri.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/");
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}
