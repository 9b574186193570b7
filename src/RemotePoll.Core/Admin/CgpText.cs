namespace RemotePoll.Core.Admin;

/// <summary>A value printed in the CommuniGate data format.</summary>
public sealed record CgpText(string Text) : IAdminResult
{
    public override string ToString() => $"CgpText {{ {Text.Length} characters }}";
}
