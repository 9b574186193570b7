using Akka.Configuration;

namespace RemotePoll.Cluster.Serialization;

/// <summary>The serializer set-up as HOCON, shared by nodes and the CLI so both speak the same wire format.</summary>
public static class SerializationConfig
{
    public static Config Hocon
    {
        get
        {
            var serializerType = $"\"{typeof(RemotePollSerializer).AssemblyQualifiedName}\"";
            var bindings = string.Join("\n", MessageManifests.BoundTypes.Select(t =>
                $"      \"{t.FullName}, {t.Assembly.GetName().Name}\" = remotepoll"));
            return ConfigurationFactory.ParseString($$"""
                akka.actor {
                  serializers.remotepoll = {{serializerType}}
                  serialization-bindings {
                {{bindings}}
                  }
                }
                """);
        }
    }
}
