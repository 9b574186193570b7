namespace RemotePoll.Core.Admin;

/// <summary>A command was carried out; the message says what changed.</summary>
public sealed record Done(string Message) : IAdminResult;
