namespace RemotePoll.Core.CommuniGate;

/// <summary>
/// A value in the CommuniGate Pro data format, the text that CLI/API commands such as GETACCOUNTRPOPS and
/// SETACCOUNTRPOPS exchange (spec, RPOP and RIMAP record dictionaries). The kinds are
/// <see cref="CgpString"/>, <see cref="CgpNumber"/>, <see cref="CgpData"/>, <see cref="CgpTimestamp"/>,
/// <see cref="CgpIpAddress"/>, <see cref="CgpNull"/>, <see cref="CgpArray"/> and <see cref="CgpDictionary"/>;
/// all compare by value.
/// </summary>
public abstract record CgpValue
{
    // Only the kinds in this folder: the printer and parser know every one of them.
    private protected CgpValue() { }

    /// <summary>Wraps <paramref name="value"/> in a <see cref="CgpString"/>; throws as its constructor does.</summary>
    public static implicit operator CgpValue(string value) => new CgpString(value);

    /// <summary>Wraps <paramref name="value"/> in a <see cref="CgpNumber"/>.</summary>
    public static implicit operator CgpValue(long value) => new CgpNumber(value);

    /// <summary>The canonical text (<see cref="CgpPrinter.Print"/>); never throws, abbreviating over-deep nesting.</summary>
    public sealed override string ToString() => CgpPrinter.PrintForDisplay(this);
}
