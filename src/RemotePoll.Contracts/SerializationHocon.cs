using Akka.Configuration;
using RemotePoll.Cluster.Serialization;
using RemotePoll.Core.Accounts.Events;
using RemotePoll.Core.Admin;

namespace RemotePoll.Contracts;

/// <summary>The serializer set-up as HOCON: the same serializer and bindings on nodes and in rpoll, each with its manifest table.</summary>
public static class SerializationHocon
{
    /// <summary>The interfaces and types whose instances go through <see cref="RemotePollSerializer"/>.</summary>
    public static readonly IReadOnlyList<Type> BoundTypes =
        [typeof(IClusterMessage), typeof(IAccountEvent), typeof(IAdminCommand), typeof(IAdminResult), typeof(AdminRequest), typeof(AdminReply)];

    /// <summary>rpoll's set-up: the admin protocol only.</summary>
    public static Config Admin => For(typeof(AdminManifests));

    /// <param name="manifestTable">A class with <c>public static IReadOnlyList&lt;(Type, string)&gt; All</c>.</param>
    public static Config For(Type manifestTable)
    {
        var bindings = string.Join("\n", BoundTypes.Select(t => $"      \"{t.FullName}, {t.Assembly.GetName().Name}\" = remotepoll"));
        return ConfigurationFactory.ParseString($$"""
            akka.actor {
              serializers.remotepoll = "{{typeof(RemotePollSerializer).AssemblyQualifiedName}}"
              serialization-bindings {
            {{bindings}}
              }
              serialization-settings.remotepoll.{{RemotePollSerializer.TableSetting}} = "{{manifestTable.FullName}}, {{manifestTable.Assembly.GetName().Name}}"
            }
            """);
    }
}
