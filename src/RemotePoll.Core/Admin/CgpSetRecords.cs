using RemotePoll.Core.Records;

namespace RemotePoll.Core.Admin;

/// <summary>SETACCOUNTRPOPS / SETACCOUNTRIMAPS: replace the whole set from a CommuniGate dictionary.</summary>
public sealed record CgpSetRecords(string Account, RecordKind Kind, string Dictionary) : IAdminCommand
{
    /// <summary>Set by <c>rpoll rpop import</c>: new RPOP records spread their first poll over their period (see
    /// <see cref="Accounts.Commands.ReplaceRpopRecords.SpreadFirstPolls"/>).</summary>
    public bool SpreadFirstPolls { get; init; }

    public override string ToString() => $"CgpSetRecords {{ Account = {Account}, Kind = {Kind}, Dictionary = ({Dictionary.Length} characters) }}";
}
