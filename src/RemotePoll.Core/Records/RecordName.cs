namespace RemotePoll.Core.Records;

/// <summary>
/// Record names become file names (spec: private/rpopids/NAME) and the RIMAP root folder name, so they must be
/// valid as both on every store we write.
/// </summary>
public static class RecordName
{
    public const int MaxLength = 64;
    private const string Forbidden = "/\\:*?\"<>|%";

    /// <summary>Null when <paramref name="name"/> is acceptable, else the reason.</summary>
    public static string? Check(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return "is required";
        if (name.Length > MaxLength) return $"is longer than {MaxLength} characters";
        if (name != name.Trim()) return "starts or ends with white space";
        if (name.StartsWith('.')) return "starts with '.' (it would be a hidden file or a Maildir++ separator)";
        foreach (var c in name)
        {
            if (char.IsControl(c)) return $"contains the control character U+{(int)c:X4}";
            if (Forbidden.Contains(c)) return $"contains '{c}', which cannot be in a folder or file name";
        }
        return null;
    }
}
