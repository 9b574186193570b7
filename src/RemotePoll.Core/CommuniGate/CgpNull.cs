namespace RemotePoll.Core.CommuniGate;

/// <summary>The CGP null object, written <c>#NULL#</c>.</summary>
public sealed record CgpNull : CgpValue
{
    public static CgpNull Instance { get; } = new();

    private CgpNull() { }
}
