using RemotePoll.Core.Validation;

namespace RemotePoll.Core.Records;

/// <summary>Field rules shared by RPOP and RIMAP records; field names are the spec's words.</summary>
internal static class RecordFieldChecks
{
    public const int MaxAuthName = 255;
    public const int MaxPassword = 1024;
    public const int MaxMailbox = 255;

    public static void Common(List<FieldError> errors, string? name, string? authName, string? hostText, string? password,
        bool passwordRequired, out HostAndPort? host)
    {
        if (RecordName.Check(name) is { } n) errors.Add(new FieldError("Name", n));
        if (FieldChecks.Text(authName, MaxAuthName) is { } a) errors.Add(new FieldError("Account", a));
        host = null;
        if (hostText is null) errors.Add(new FieldError("at Host", "is required"));
        else if ((host = HostAndPort.TryParse(hostText, out var hr)) is null) errors.Add(new FieldError("at Host", $"'{hostText}' {hr}"));
        if (password is null)
        {
            if (passwordRequired) errors.Add(new FieldError("Password", "is required for a new record"));
        }
        else if (password.Length == 0) errors.Add(new FieldError("Password", "is empty"));
        else if (password.Length > MaxPassword) errors.Add(new FieldError("Password", $"is longer than {MaxPassword} characters"));
        else if (FieldChecks.ControlCharacters(password) is not null) errors.Add(new FieldError("Password", "contains a control character"));
    }

    /// <summary>Poll Every as given (null when not given or refused; the refusal goes into <paramref name="errors"/>).</summary>
    public static PollEvery? Every(List<FieldError> errors, string? every)
    {
        if (every is null) return null;
        var parsed = PollEvery.TryParse(every, out var reason);
        if (parsed is null) errors.Add(new FieldError("Poll Every", reason!));
        return parsed;
    }

    public static string? Mailbox(string? mailbox)
    {
        if (string.IsNullOrEmpty(mailbox)) return null;
        if (FieldChecks.Text(mailbox, MaxMailbox) is { } r) return r;
        foreach (var segment in mailbox.Split('/'))
            if (segment.Trim().Length == 0) return $"'{mailbox}' has an empty folder name between '/'";
        return null;
    }

    /// <summary>The trust after <paramref name="change"/> (null keeps <paramref name="current"/>, a new record validates).</summary>
    public static TlsTrust Trust(List<FieldError> errors, TlsTrustChange? change, TlsTrust? current) =>
        change?.Apply(current ?? TlsTrust.Validate, errors) ?? current ?? TlsTrust.Validate;
}
