namespace RemotePoll.Core.CommuniGate;

/// <summary>
/// Text that is not in the CommuniGate Pro data format. <see cref="Line"/> and <see cref="Column"/> (both
/// from 1; columns count UTF-16 characters, a tab is one) point at the first character that does not fit;
/// <see cref="Reason"/> says what was expected there and what was found. It quotes key names and single
/// characters only, never values, which may be passwords.
/// </summary>
public sealed class CgpFormatException : FormatException
{
    public CgpFormatException(int line, int column, string reason)
        : base($"line {line}, column {column}: {reason}")
    {
        Line = line;
        Column = column;
        Reason = reason;
    }

    public int Line { get; }

    public int Column { get; }

    /// <summary>The message without the position.</summary>
    public string Reason { get; }
}
