using System.Net;
using RemotePoll.Core.Records;
using RemotePoll.Core.Secrets;
using RemotePoll.Core.Validation;

namespace RemotePoll.Core.OAuth;

/// <summary>
/// A create-or-change of one OAuth2 provider, as <c>rpoll oauth provider set</c> gives it. Null fields keep the
/// stored value (or the kind's default on a new provider). The clear client secret lives only in transit: it is
/// sealed before anything is persisted.
/// </summary>
public sealed record OAuthProviderChange(string Name)
{
    public string? Kind { get; init; }
    public string? ClientId { get; init; }
    public string? ClientSecret { get; init; }
    public string? Tenant { get; init; }
    public string? AuthorizationEndpoint { get; init; }
    public string? TokenEndpoint { get; init; }
    public string? DeviceAuthorizationEndpoint { get; init; }
    public string? RevocationEndpoint { get; init; }
    public string? Scopes { get; init; }
    /// <summary><c>user</c> (consent per record, the default) or <c>client-credentials</c>.</summary>
    public string? Grant { get; init; }

    /// <summary>The provider after this change. Throws <see cref="ValidationException"/> naming every bad field; nothing changes then.</summary>
    public OAuthProvider ApplyTo(OAuthProvider? existing, ISecretSealer sealer)
    {
        var errors = new List<FieldError>();
        if (RecordName.Check(Name) is { } nameReason) errors.Add(new FieldError("Name", nameReason));

        var kind = existing?.Kind ?? OAuthProviderKind.Generic;
        if (Kind is not null)
        {
            if (ParseKind(Kind) is { } k) kind = k;
            else errors.Add(new FieldError("Kind", $"'{Kind}' is not one of google, microsoft, generic"));
        }
        if (existing is not null && Kind is not null && kind != existing.Kind)
            errors.Add(new FieldError("Kind", $"cannot change from {Word(existing.Kind)} to {Word(kind)}; remove the provider and register it again"));

        var grant = existing?.Grant ?? OAuthGrantType.User;
        if (Grant is not null)
        {
            if (ParseGrant(Grant) is { } g) grant = g;
            else errors.Add(new FieldError("Grant", $"'{Grant}' is not user or client-credentials"));
        }
        if (grant == OAuthGrantType.ClientCredentials && kind == OAuthProviderKind.Google)
            errors.Add(new FieldError("Grant", "client-credentials is for microsoft and generic providers (Google Workspace uses a service account with domain-wide delegation instead)"));

        var clientId = (ClientId ?? existing?.ClientId)?.Trim();
        if (string.IsNullOrEmpty(clientId)) errors.Add(new FieldError("ClientId", "is required"));
        else if (clientId.Length > 256 || clientId.Any(char.IsControl) || clientId.Contains(' ', StringComparison.Ordinal))
            errors.Add(new FieldError("ClientId", "must be at most 256 characters without spaces or control characters"));
        if (ClientSecret is { } secret && (secret.Length > RecordFieldChecks.MaxPassword || secret.Any(char.IsControl)))
            errors.Add(new FieldError("ClientSecret", $"must be at most {RecordFieldChecks.MaxPassword} characters without control characters"));
        if (grant == OAuthGrantType.ClientCredentials && string.IsNullOrEmpty(ClientSecret) && existing?.ClientSecret is null)
            errors.Add(new FieldError("ClientSecret", "is required for the client-credentials grant"));

        var tenant = (Tenant ?? existing?.Tenant)?.Trim();
        if (tenant is not null && kind != OAuthProviderKind.Microsoft)
            errors.Add(new FieldError("Tenant", "is only for microsoft providers"));
        if (kind == OAuthProviderKind.Microsoft)
        {
            tenant = string.IsNullOrEmpty(tenant) ? "common" : tenant;
            if (!tenant.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.'))
                errors.Add(new FieldError("Tenant", $"'{tenant}' is not a tenant id or domain name"));
            else if (grant == OAuthGrantType.ClientCredentials && tenant is "common" or "organizations" or "consumers")
                errors.Add(new FieldError("Tenant", "client-credentials needs the tenant's id or domain, not 'common'"));
        }

        var (defAuth, defToken, defDevice, defRevoke, defScopes) = Defaults(kind, tenant ?? "common", grant);
        var authorization = Endpoint(errors, "AuthorizationEndpoint", AuthorizationEndpoint, existing?.AuthorizationEndpoint, defAuth);
        var token = Endpoint(errors, "TokenEndpoint", TokenEndpoint, existing?.TokenEndpoint, defToken);
        var device = Endpoint(errors, "DeviceAuthorizationEndpoint", DeviceAuthorizationEndpoint, existing?.DeviceAuthorizationEndpoint, defDevice);
        var revocation = Endpoint(errors, "RevocationEndpoint", RevocationEndpoint, existing?.RevocationEndpoint, defRevoke);
        if (token is null && !errors.Any(e => e.Field == "TokenEndpoint"))
            errors.Add(new FieldError("TokenEndpoint", "is required for a generic provider"));
        if (authorization is null && grant == OAuthGrantType.User && device is null && !errors.Any(e => e.Field.EndsWith("Endpoint", StringComparison.Ordinal)))
            errors.Add(new FieldError("AuthorizationEndpoint", "a generic provider needs an authorization or a device-authorization endpoint for users to consent"));

        var scopes = (Scopes ?? (existing is not null && Grant is null ? existing.Scopes : defScopes))?.Trim();
        if (string.IsNullOrEmpty(scopes)) errors.Add(new FieldError("Scopes", "are required for a generic provider"));
        else if (scopes.Any(c => char.IsControl(c) || c == '"' || c == '\\')) errors.Add(new FieldError("Scopes", "contain a control character, '\"' or '\\'"));

        if (errors.Count > 0) throw new ValidationException(errors);
        return new OAuthProvider(
            Name,
            kind,
            clientId!,
            string.IsNullOrEmpty(ClientSecret) ? existing?.ClientSecret : sealer.Seal(ClientSecret),
            authorization ?? "",
            token!,
            device,
            revocation,
            scopes!,
            grant,
            kind == OAuthProviderKind.Microsoft ? tenant : null);
    }

    public static OAuthProviderKind? ParseKind(string text) => text.Trim().ToLowerInvariant() switch
    {
        "google" => OAuthProviderKind.Google,
        "microsoft" => OAuthProviderKind.Microsoft,
        "generic" => OAuthProviderKind.Generic,
        _ => null,
    };

    public static OAuthGrantType? ParseGrant(string text) => text.Trim().ToLowerInvariant() switch
    {
        "user" or "authorization-code" or "device" => OAuthGrantType.User,
        "client-credentials" => OAuthGrantType.ClientCredentials,
        _ => null,
    };

    public static string Word(OAuthProviderKind kind) => kind.ToString().ToLowerInvariant();

    public static string Word(OAuthGrantType grant) => grant == OAuthGrantType.ClientCredentials ? "client-credentials" : "user";

    public override string ToString() =>
        $"OAuthProviderChange {{ Name = {Name}, Kind = {Kind}, ClientId = {ClientId}, ClientSecret = {(ClientSecret is null ? "" : "(given)")}, Grant = {Grant} }}";

    private static (string?, string?, string?, string?, string?) Defaults(OAuthProviderKind kind, string tenant, OAuthGrantType grant) => kind switch
    {
        OAuthProviderKind.Google => (OAuthProvider.GoogleAuthorization, OAuthProvider.GoogleToken, OAuthProvider.GoogleDevice,
            OAuthProvider.GoogleRevocation, OAuthProvider.GoogleScopes),
        // Microsoft publishes no RFC 7009 revocation endpoint: consent is withdrawn in the account's settings.
        OAuthProviderKind.Microsoft => (OAuthProvider.MicrosoftAuthorization(tenant), OAuthProvider.MicrosoftToken(tenant),
            OAuthProvider.MicrosoftDevice(tenant), null,
            grant == OAuthGrantType.ClientCredentials ? OAuthProvider.MicrosoftAppScopes : OAuthProvider.MicrosoftScopes),
        _ => (null, null, null, null, null),
    };

    /// <summary>An absolute https URL (http only to a loopback address, for a provider on the same machine); empty clears it.</summary>
    private static string? Endpoint(List<FieldError> errors, string field, string? given, string? stored, string? kindDefault)
    {
        if (given is null) return stored ?? kindDefault;
        var text = given.Trim();
        if (text.Length == 0) return kindDefault;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.UserInfo.Length > 0 || uri.Fragment.Length > 0)
        {
            errors.Add(new FieldError(field, $"'{text}' is not an absolute https URL without user info or fragment"));
            return null;
        }
        if (uri.Scheme == "http" && !(IPAddress.TryParse(uri.Host, out var ip) && IPAddress.IsLoopback(ip)) && uri.Host != "localhost")
        {
            errors.Add(new FieldError(field, $"'{text}' must use https (http only to a loopback address)"));
            return null;
        }
        return uri.ToString();
    }
}
