namespace RemotePoll.Core.CommuniGate;

/// <summary>A CGP string: UTF-8 text without a zero character, written as an atom or a quoted string.</summary>
public sealed record CgpString : CgpValue
{
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="value"/> holds a zero character or an unpaired surrogate.</exception>
    public CgpString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        CgpSyntax.ThrowIfNotText(value, nameof(value));
        Value = value;
    }

    public string Value { get; }
}
