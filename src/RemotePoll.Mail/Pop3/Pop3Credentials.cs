namespace RemotePoll.Mail.Pop3;

/// <summary>The remote account name and password. Its text form never shows the password.</summary>
public sealed class Pop3Credentials(string user, string password)
{
    public string User { get; } = user ?? throw new ArgumentNullException(nameof(user));

    public string Password { get; } = password ?? throw new ArgumentNullException(nameof(password));

    public override string ToString() => $"{User} (password hidden)";
}
