using RemotePoll.Core.Validation;

namespace RemotePoll.Core.Accounts;

/// <summary>A local account address, <c>user@domain</c>, normalised to lower case: the shard entity id.</summary>
public static class AccountAddress
{
    public const int MaxLength = 254;

    /// <summary>The normalised address; throws <see cref="ValidationException"/> for field "account" when it is not one.</summary>
    public static string Normalize(string? text)
    {
        var s = text?.Trim() ?? "";
        var at = s.LastIndexOf('@');
        string? reason = null;
        if (s.Length == 0) reason = "is required";
        else if (s.Length > MaxLength) reason = $"is longer than {MaxLength} characters";
        else if (at <= 0 || at == s.Length - 1 || s.IndexOf('@') != at) reason = $"'{s}' is not of the form user@domain";
        else if (FieldChecks.ControlCharacters(s) is not null || s.IndexOfAny([' ', '/', '\\', '<', '>', '(', ')', ',', ';', '"']) >= 0)
            reason = $"'{s}' has a character not allowed in an account address";
        else if (Records.HostAndPort.TryParse(s[(at + 1)..], out var hr) is not { Port: null })
            reason = $"'{s}' has a bad domain{(hr is null ? "" : ": " + hr)}";
        if (reason is not null) throw new ValidationException("account", reason);
        return s.ToLowerInvariant();
    }
}
