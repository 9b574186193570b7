using RemotePoll.Core.Validation;

namespace RemotePoll.Core.Security;

/// <summary>The spelling of <see cref="CallerRole"/> on the command line and in tokens.</summary>
public static class RoleNames
{
    public static string Of(CallerRole role) => role switch
    {
        CallerRole.Server => "server",
        CallerRole.Domain => "domain",
        _ => "user",
    };

    /// <summary>Throws <see cref="ValidationException"/> for field "role" when the text is not server, domain or user.</summary>
    public static CallerRole Parse(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "server" => CallerRole.Server,
        "domain" => CallerRole.Domain,
        "user" => CallerRole.User,
        _ => throw new ValidationException("role", $"'{text}' is not server, domain or user"),
    };
}
