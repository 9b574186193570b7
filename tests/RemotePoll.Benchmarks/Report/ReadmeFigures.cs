namespace RemotePoll.Benchmarks.Report;

/// <summary>
/// Rewrites the part of the README between the figure markers of one mailbox shape (<c>&lt;!-- figures --&gt;</c> for
/// the default one, <c>&lt;!-- figures 200x204800 --&gt;</c> for another); the rest is prose and left alone. A shape
/// without markers yet gets its block after the default one.
/// </summary>
internal static class ReadmeFigures
{
    public static void Update(string readme, string figures, string shape = "")
    {
        var tag = shape.Length == 0 ? "" : " " + shape;
        var (start, end) = ($"<!-- figures{tag} -->", $"<!-- /figures{tag} -->");
        var text = File.Exists(readme) ? File.ReadAllText(readme) : "";
        var section = $"{start}\n{figures.TrimEnd()}\n{end}";
        var from = text.IndexOf(start, StringComparison.Ordinal);
        var to = text.IndexOf(end, StringComparison.Ordinal);
        if (from >= 0 && to > from)
        {
            text = text[..from] + section + text[(to + end.Length)..];
        }
        else
        {
            const string defaultEnd = "<!-- /figures -->";
            var after = text.IndexOf(defaultEnd, StringComparison.Ordinal);
            text = after >= 0
                ? text[..(after + defaultEnd.Length)] + "\n\n" + section + text[(after + defaultEnd.Length)..]
                : text.TrimEnd() + "\n\n" + section + "\n";
        }
        File.WriteAllText(readme, text);
    }
}
