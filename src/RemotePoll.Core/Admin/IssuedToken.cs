namespace RemotePoll.Core.Admin;

/// <summary>A token made by <see cref="IssueToken"/>; <see cref="ToString"/> hides it, as it is a credential.</summary>
public sealed record IssuedToken(string Token, CallerView Caller) : IAdminResult
{
    public override string ToString() => $"IssuedToken {{ Caller = {Caller}, Token = (hidden) }}";
}
