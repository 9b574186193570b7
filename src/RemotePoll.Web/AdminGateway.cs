using Akka.Actor;
using Akka.Hosting;
using RemotePoll.Cluster.Admin;
using RemotePoll.Core.Admin;

namespace RemotePoll.Web;

/// <summary>
/// The pages' only way to act: the same admin API as the CLI, with the signed-in user's token as the credential, so
/// every action is authorised by the admin API's rules and nothing else.
/// </summary>
public sealed class AdminGateway(ActorRegistry registry)
{
    private static readonly TimeSpan Timeout = AdminApi.AskTimeout + TimeSpan.FromSeconds(5);

    public async Task<AdminReply> SendAsync(string? token, IAdminCommand command, CancellationToken cancellationToken)
    {
        var api = await registry.GetAsync<AdminApi>(cancellationToken);
        try
        {
            return await api.Ask<AdminReply>(new AdminRequest(token, command), Timeout, cancellationToken);
        }
        catch (AskTimeoutException)
        {
            return AdminReply.Failure("the cluster did not answer in time; try again");
        }
    }
}
