using RemotePoll.Core.Records;

namespace RemotePoll.Core.Admin;

/// <summary>SETACCOUNTRPOPS / SETACCOUNTRIMAPS: replace the whole set from a CommuniGate dictionary.</summary>
public sealed record CgpSetRecords(string Account, RecordKind Kind, string Dictionary) : IAdminCommand
{
    public override string ToString() => $"CgpSetRecords {{ Account = {Account}, Kind = {Kind}, Dictionary = ({Dictionary.Length} characters) }}";
}
