namespace RemotePoll.Cli;

/// <summary>
/// Reads one command's arguments: positionals in order, then <c>--name value</c> options and <c>--flag</c> switches.
/// Every option must be consumed, so a misspelt one is an error rather than ignored.
/// </summary>
public sealed class ArgumentReader
{
    private readonly List<string> _positional = [];
    private readonly List<(string Name, string? Value)> _options = [];
    private readonly HashSet<int> _used = [];
    private int _next;
    private readonly string _command;

    /// <param name="flags">Option names that take no value.</param>
    public ArgumentReader(string command, IReadOnlyList<string> args, IReadOnlySet<string> flags)
    {
        _command = command;
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (a.StartsWith("--", StringComparison.Ordinal) && a.Length > 2)
            {
                var eq = a.IndexOf('=');
                if (eq > 0) _options.Add((a[..eq], a[(eq + 1)..]));
                else if (flags.Contains(a)) _options.Add((a, null));
                else if (i + 1 < args.Count) _options.Add((a, args[++i]));
                else throw new UsageException($"{command}: {a} needs a value");
            }
            else _positional.Add(a);
        }
    }

    public string Positional(string name) =>
        _next < _positional.Count ? _positional[_next++] : throw new UsageException($"{_command}: {name} is missing");

    public string? OptionalPositional() => _next < _positional.Count ? _positional[_next++] : null;

    public string? Option(string name)
    {
        string? value = null;
        for (var i = 0; i < _options.Count; i++)
            if (_options[i].Name == name) { value = _options[i].Value ?? throw new UsageException($"{_command}: {name} needs a value"); _used.Add(i); }
        return value;
    }

    public IReadOnlyList<string> Options(string name)
    {
        var values = new List<string>();
        for (var i = 0; i < _options.Count; i++)
            if (_options[i].Name == name) { values.Add(_options[i].Value ?? throw new UsageException($"{_command}: {name} needs a value")); _used.Add(i); }
        return values;
    }

    public bool Flag(string name)
    {
        var found = false;
        for (var i = 0; i < _options.Count; i++)
            if (_options[i].Name == name) { found = true; _used.Add(i); }
        return found;
    }

    /// <summary>yes|no option; null when absent.</summary>
    public bool? YesNo(string name) => Option(name)?.ToLowerInvariant() switch
    {
        null => null,
        "yes" or "true" or "on" => true,
        "no" or "false" or "off" => false,
        var v => throw new UsageException($"{_command}: {name} takes yes or no, not '{v}'"),
    };

    /// <summary>Throws when an argument was given that the command does not take.</summary>
    public void EnsureAllUsed()
    {
        if (_next < _positional.Count) throw new UsageException($"{_command}: unexpected argument '{_positional[_next]}'");
        for (var i = 0; i < _options.Count; i++)
            if (!_used.Contains(i)) throw new UsageException($"{_command}: unknown option {_options[i].Name}");
    }
}
