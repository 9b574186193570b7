namespace RemotePoll.Cluster.Governor;

/// <summary>Registry key of the push governor: a <see cref="ConnectionGovernor"/> whose pool is push-connections (issue 20).</summary>
public sealed class PushGovernor;
