namespace RemotePoll.Core.Validation;

/// <summary>Checks shared by every record field that ends up in a protocol command, a header or a file name.</summary>
public static class FieldChecks
{
    /// <summary>A reason when <paramref name="value"/> has a control character (CR/LF would inject protocol commands).</summary>
    public static string? ControlCharacters(string value)
    {
        foreach (var c in value)
            if (char.IsControl(c)) return $"contains the control character U+{(int)c:X4}";
        return null;
    }

    /// <summary>A reason when the text is empty, too long, or has control characters; null when it is fine.</summary>
    public static string? Text(string? value, int maxLength, bool required = true)
    {
        if (string.IsNullOrEmpty(value)) return required ? "is required" : null;
        if (value.Length > maxLength) return $"is longer than {maxLength} characters";
        return ControlCharacters(value);
    }
}
