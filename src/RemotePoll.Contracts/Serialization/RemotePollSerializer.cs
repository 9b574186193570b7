using System.Reflection;
using System.Runtime.Serialization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;
using RemotePoll.Contracts;

namespace RemotePoll.Cluster.Serialization;

/// <summary>
/// The one serializer for everything RemotePoll persists or sends between processes: UTF-8 JSON with explicit manifests.
/// No CLR type names are written anywhere; polymorphic fields (a request's command, a reply's result) carry the same
/// manifests as a "$m" discriminator. Which types it knows is its manifest table: the class named by
/// <c>akka.actor.serialization-settings.remotepoll.manifest-table</c> (<see cref="SerializationHocon"/>): the nodes'
/// <c>MessageManifests</c>, everything; rpoll's <see cref="AdminManifests"/>, the admin protocol only. The two agree on
/// every admin manifest, so an admin message reads the same on either side.
/// </summary>
public sealed class RemotePollSerializer : SerializerWithStringManifest
{
    public const int Id = 4_711;

    /// <summary>The setting (under the serializer's serialization-settings) that names the manifest table's class.</summary>
    public const string TableSetting = "manifest-table";

    /// <summary>The admin protocol's JSON options (<see cref="AdminManifests"/>).</summary>
    public static readonly JsonSerializerOptions Options = CreateOptions(AdminManifests.All);

    private readonly Dictionary<Type, string> _manifestOf;
    private readonly Dictionary<string, Type> _typeOf;
    private readonly JsonSerializerOptions _options;

    /// <summary>Without settings: the admin protocol's table.</summary>
    public RemotePollSerializer(ExtendedActorSystem system) : this(system, AdminManifests.All) { }

    /// <summary>Akka's constructor when <c>serialization-settings.remotepoll</c> is given: the table it names.</summary>
    public RemotePollSerializer(ExtendedActorSystem system, Config settings) : this(system, TableFrom(settings)) { }

    private RemotePollSerializer(ExtendedActorSystem system, IReadOnlyList<(Type Type, string Manifest)> table) : base(system)
    {
        _manifestOf = table.ToDictionary(x => x.Type, x => x.Manifest);
        _typeOf = table.ToDictionary(x => x.Manifest, x => x.Type);
        _options = ReferenceEquals(table, AdminManifests.All) ? Options : CreateOptions(table);
    }

    public override int Identifier => Id;

    public override string Manifest(object o) =>
        _manifestOf.TryGetValue(o.GetType(), out var m) ? m
            : throw new ArgumentException($"{o.GetType().FullName} has no manifest in the serializer's manifest table");

    public override byte[] ToBinary(object obj) => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), _options);

    public override object FromBinary(byte[] bytes, string manifest) =>
        _typeOf.TryGetValue(manifest, out var type)
            ? JsonSerializer.Deserialize(bytes, type, _options) ?? throw new SerializationException($"null body for {manifest}")
            : throw new SerializationException($"unknown manifest '{manifest}'");

    /// <summary>The table named by <see cref="TableSetting"/>: a class with <c>public static IReadOnlyList&lt;(Type, string)&gt; All</c>.</summary>
    private static IReadOnlyList<(Type Type, string Manifest)> TableFrom(Config settings)
    {
        var name = settings.GetString(TableSetting, "");
        if (name.Length == 0) return AdminManifests.All;
        var type = Type.GetType(name) ?? throw new ConfigurationException($"serialization-settings.remotepoll.{TableSetting}: '{name}' is not a loadable type");
        return type.GetField("All", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as IReadOnlyList<(Type, string)>
            ?? throw new ConfigurationException($"serialization-settings.remotepoll.{TableSetting}: {name} has no public static All of (Type, string) pairs");
    }

    private static JsonSerializerOptions CreateOptions(IReadOnlyList<(Type Type, string Manifest)> table)
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            IgnoreReadOnlyProperties = true, // computed values (a record's Port, a reply's Ok) are derived, not stored
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { info => AddPolymorphism(info, table) } },
        };
        foreach (var c in CoreJsonConverters.All) options.Converters.Add(c);
        return options;
    }

    /// <summary>Fields declared as one of the bound interfaces get the table's implementations as derived types.</summary>
    private static void AddPolymorphism(JsonTypeInfo info, IReadOnlyList<(Type Type, string Manifest)> table)
    {
        if (!info.Type.IsInterface || info.Kind != JsonTypeInfoKind.Object) return;
        var derived = table.Where(x => info.Type.IsAssignableFrom(x.Type)).ToList();
        if (derived.Count == 0) return;
        info.PolymorphismOptions = new JsonPolymorphismOptions { TypeDiscriminatorPropertyName = "$m" };
        foreach (var (type, manifest) in derived) info.PolymorphismOptions.DerivedTypes.Add(new JsonDerivedType(type, manifest));
    }
}
