using RemotePoll.Core.Admin;

namespace RemotePoll.Cli;

/// <summary>A parsed command line: what to ask the admin API, and which part of the answer to show.</summary>
public sealed record CliCommand(IAdminCommand Command, CliView View = CliView.Whole);

/// <summary>Which part of a result a command shows.</summary>
public enum CliView
{
    Whole,
    RpopRecords,
    RimapRecords,
}
