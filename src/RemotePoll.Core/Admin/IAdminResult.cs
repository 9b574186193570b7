namespace RemotePoll.Core.Admin;

/// <summary>Marker for admin API results; each has a stable serializer manifest.</summary>
public interface IAdminResult;
