using RemotePoll.Core.Settings;

namespace RemotePoll.Cluster.Polling;

/// <summary>The module settings as this node last saw them; pollers read it without asking the singleton.</summary>
public sealed class ModuleSettingsCache
{
    private volatile ModuleSettings? _current;

    /// <summary>The last settings received, or null before the first answer from the singleton.</summary>
    public ModuleSettings? Current => _current;

    public void Update(ModuleSettings settings) => _current = settings;
}
