using Akka.Configuration;
using RemotePoll.Contracts;

namespace RemotePoll.Cluster.Serialization;

/// <summary>The nodes' serializer set-up as HOCON: rpoll's (<see cref="SerializationHocon"/>) with the whole <see cref="MessageManifests"/> table.</summary>
public static class SerializationConfig
{
    public static Config Hocon => SerializationHocon.For(typeof(MessageManifests));
}
