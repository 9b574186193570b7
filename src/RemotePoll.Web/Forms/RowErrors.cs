namespace RemotePoll.Web.Forms;

/// <summary>Field errors of one record, by the field's spec name (Poll Every, Account, at Host, Password, ...).</summary>
public sealed class RowErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.OrdinalIgnoreCase);

    public void Add(string field, string reason)
    {
        if (!_errors.TryGetValue(field, out var list)) _errors[field] = list = [];
        list.Add(reason);
    }

    public string? Of(string field) => _errors.TryGetValue(field, out var l) ? string.Join("; ", l) : null;

    /// <summary>Errors for fields the form has no place for.</summary>
    public IEnumerable<string> Except(params string[] shown) =>
        _errors.Where(e => !shown.Contains(e.Key, StringComparer.OrdinalIgnoreCase)).Select(e => $"{e.Key}: {string.Join("; ", e.Value)}");

    public bool Any => _errors.Count > 0;
}
