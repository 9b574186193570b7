using Microsoft.Extensions.DependencyInjection;
using RemotePoll.Cluster.Hosting;

namespace RemotePoll.Web;

/// <summary>The node's web UI as one capability of its host (off when <see cref="WebSettings.Listen"/> is null).</summary>
public static class RemotePollWeb
{
    public static IServiceCollection AddRemotePollWeb(this IServiceCollection services, WebSettings settings, NodeOptions node) =>
        settings.Listen is null
            ? services
            : services.AddHostedService(sp => ActivatorUtilities.CreateInstance<WebServer>(sp, settings, node, sp));
}
