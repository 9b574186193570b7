namespace RemotePoll.Core.Admin;

/// <summary>Marker for everything an operator can ask of the admin API; each has a stable serializer manifest.</summary>
public interface IAdminCommand;
