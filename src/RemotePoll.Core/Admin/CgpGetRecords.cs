using RemotePoll.Core.Records;

namespace RemotePoll.Core.Admin;

/// <summary>GETACCOUNTRPOPS / GETACCOUNTRIMAPS: the records as a CommuniGate dictionary; passwords only when asked.</summary>
public sealed record CgpGetRecords(string Account, RecordKind Kind, bool WithPasswords) : IAdminCommand;
