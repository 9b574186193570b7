namespace RemotePoll.Benchmarks.Report;

/// <summary>Rewrites the part of the README between the figure markers; the rest is prose and left alone.</summary>
internal static class ReadmeFigures
{
    public const string Start = "<!-- figures -->";
    public const string End = "<!-- /figures -->";

    public static void Update(string readme, string figures)
    {
        var text = File.Exists(readme) ? File.ReadAllText(readme) : "";
        var section = $"{Start}\n{figures.TrimEnd()}\n{End}";
        var start = text.IndexOf(Start, StringComparison.Ordinal);
        var end = text.IndexOf(End, StringComparison.Ordinal);
        text = start >= 0 && end > start
            ? text[..start] + section + text[(end + End.Length)..]
            : text.TrimEnd() + "\n\n" + section + "\n";
        File.WriteAllText(readme, text);
    }
}
