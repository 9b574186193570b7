namespace RemotePoll.Cli;

/// <summary>The command line is wrong; the message names the argument and the reason. Exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
