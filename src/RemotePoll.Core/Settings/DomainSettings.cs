namespace RemotePoll.Core.Settings;

/// <summary>
/// A local domain as Remote Poll needs it: its Assigned IP Addresses (Use Domain IP Addresses takes the first) and
/// whether it is the Main Domain (its postmaster owns Unified Domain-Wide records and receives what no one else takes).
/// </summary>
public sealed record DomainSettings(string Name, IReadOnlyList<string> AssignedIps, bool IsMain)
{
    public bool Equals(DomainSettings? other) =>
        other is not null && Name == other.Name && IsMain == other.IsMain && AssignedIps.SequenceEqual(other.AssignedIps);

    public override int GetHashCode() => HashCode.Combine(Name, IsMain, AssignedIps.Count);
}
