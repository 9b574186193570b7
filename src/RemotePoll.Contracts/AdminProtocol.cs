namespace RemotePoll.Contracts;

/// <summary>Where the admin API is: the names a node registers it under and rpoll addresses it by.</summary>
public static class AdminProtocol
{
    /// <summary>The ActorSystem name of every node (part of each node's address).</summary>
    public const string SystemName = "remotepoll";

    /// <summary>The admin API actor's name under /user on every node.</summary>
    public const string AdminApiName = "admin-api";

    /// <summary>The path a ClusterClient sends admin requests to (the receptionist's registered service).</summary>
    public const string AdminApiPath = "/user/" + AdminApiName;
}
