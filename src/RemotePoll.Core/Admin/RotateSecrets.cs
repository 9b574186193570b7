namespace RemotePoll.Core.Admin;

/// <summary>
/// <c>secrets rotate [--reseal-only]</c> (server administrators): a new key is added to the node's key file and every stored
/// password is sealed again with it; with <see cref="ResealOnly"/>, no key is added and passwords are re-sealed with the
/// current key (in a cluster, after the new key was given to every node).
/// </summary>
public sealed record RotateSecrets(bool ResealOnly) : IAdminCommand;
