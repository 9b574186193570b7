using RemotePoll.Core.Accounts;
using RemotePoll.Core.Validation;

namespace RemotePoll.Core.Security;

/// <summary>
/// The identity a token carries: a role and, for a domain administrator, the domain; for an account user, the
/// account (user@domain, normalised). <see cref="Create"/> checks that the parts fit the role.
/// </summary>
public sealed record Caller(CallerRole Role, string? Domain = null, string? Account = null)
{
    public static readonly Caller ServerAdministrator = new(CallerRole.Server);

    /// <summary>A checked caller; throws <see cref="ValidationException"/> naming the field when a part is missing or extra.</summary>
    public static Caller Create(CallerRole role, string? domain, string? account)
    {
        domain = string.IsNullOrWhiteSpace(domain) ? null : domain.Trim().ToLowerInvariant();
        account = string.IsNullOrWhiteSpace(account) ? null : AccountAddress.Normalize(account);
        return role switch
        {
            CallerRole.Server when domain is not null || account is not null =>
                throw new ValidationException("role", "a server administrator has no domain or account"),
            CallerRole.Server => ServerAdministrator,
            CallerRole.Domain when account is not null => throw new ValidationException("account", "a domain administrator has a domain, not an account"),
            CallerRole.Domain when domain is null => throw new ValidationException("domain", "is required for a domain administrator"),
            CallerRole.Domain when Records.HostAndPort.TryParse(domain, out var r) is not { Port: null } =>
                throw new ValidationException("domain", $"'{domain}' is not a domain name{(r is null ? "" : ": " + r)}"),
            CallerRole.Domain => new Caller(role, domain),
            CallerRole.User when account is null => throw new ValidationException("account", "is required for an account user"),
            CallerRole.User when domain is not null && domain != DomainOf(account) =>
                throw new ValidationException("domain", $"'{domain}' is not the domain of {account}"),
            CallerRole.User => new Caller(role, DomainOf(account), account),
            _ => throw new ValidationException("role", $"'{role}' is not server, domain or user"),
        };
    }

    /// <summary>The role as the CLI and tokens spell it: server | domain | user.</summary>
    public string RoleName => RoleNames.Of(Role);

    /// <summary>The domain part of a normalised account address.</summary>
    public static string DomainOf(string account) => account[(account.LastIndexOf('@') + 1)..];

    public override string ToString() => Role switch
    {
        CallerRole.Server => "server administrator",
        CallerRole.Domain => $"domain administrator of {Domain}",
        _ => $"account user {Account}",
    };
}
