using RemotePoll.Cluster.Serialization;
using RemotePoll.Core.Settings;

namespace RemotePoll.Cluster.Settings;

/// <summary>The module settings changed: persisted by the singleton, and published to every node.</summary>
public sealed record ModuleSettingsChanged(ModuleSettings Settings) : IClusterMessage;
