using Microsoft.Extensions.DependencyInjection;
using RemotePoll.Cluster.Hosting;
using RemotePoll.Cluster.Polling;
using RemotePoll.Core.Security;
using RemotePoll.Mail.Delivery;
using RemotePoll.Web.SignIn;

namespace RemotePoll.Web;

/// <summary>The node's web UI as one capability of its host (off when <see cref="WebSettings.Listen"/> is null).</summary>
public static class RemotePollWeb
{
    public static IServiceCollection AddRemotePollWeb(this IServiceCollection services, WebSettings settings, NodeOptions node,
        PollEnvironment environment, ClusterSecret secret)
    {
        if (settings.Listen is null) return services;
        var mail = new MailPasswordSignIn(environment.Store as IMailPasswordCheck, secret.Signer(), settings.UserTokenLifetime);
        return services.AddHostedService(sp => ActivatorUtilities.CreateInstance<WebServer>(sp, settings, node, sp, mail, environment.Sealer, environment.OAuthTokens.Consent));
    }
}
