namespace RemotePoll.Core.CommuniGate;

/// <summary>A CGP number, a 64-bit integer written <c>#123</c> or <c>#-5</c>.</summary>
public sealed record CgpNumber(long Value) : CgpValue;
