using System.Runtime.Serialization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Akka.Actor;
using Akka.Serialization;

namespace RemotePoll.Cluster.Serialization;

/// <summary>
/// The one serializer for everything RemotePoll persists or sends between processes: UTF-8 JSON with the explicit
/// manifests of <see cref="MessageManifests"/>. No CLR type names are written anywhere; polymorphic fields
/// (a request's command, a reply's result) carry the same manifests as a "$m" discriminator.
/// </summary>
public sealed class RemotePollSerializer : SerializerWithStringManifest
{
    public const int Id = 4_711;

    private static readonly Dictionary<Type, string> ManifestOf = MessageManifests.All.ToDictionary(x => x.Type, x => x.Manifest);
    private static readonly Dictionary<string, Type> TypeOf = MessageManifests.All.ToDictionary(x => x.Manifest, x => x.Type);
    public static readonly JsonSerializerOptions Options = CreateOptions();

    public RemotePollSerializer(ExtendedActorSystem system) : base(system) { }

    public override int Identifier => Id;

    public override string Manifest(object o) =>
        ManifestOf.TryGetValue(o.GetType(), out var m) ? m
            : throw new ArgumentException($"{o.GetType().FullName} has no manifest in MessageManifests");

    public override byte[] ToBinary(object obj) => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), Options);

    public override object FromBinary(byte[] bytes, string manifest) =>
        TypeOf.TryGetValue(manifest, out var type)
            ? JsonSerializer.Deserialize(bytes, type, Options) ?? throw new SerializationException($"null body for {manifest}")
            : throw new SerializationException($"unknown manifest '{manifest}'");

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            IgnoreReadOnlyProperties = true, // computed values (a record's Port, a reply's Ok) are derived, not stored
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { AddPolymorphism } },
        };
        foreach (var c in CoreJsonConverters.All) options.Converters.Add(c);
        return options;
    }

    /// <summary>Fields declared as one of the bound interfaces get the registered implementations as derived types.</summary>
    private static void AddPolymorphism(JsonTypeInfo info)
    {
        if (!info.Type.IsInterface || info.Kind != JsonTypeInfoKind.Object) return;
        var derived = MessageManifests.All.Where(x => info.Type.IsAssignableFrom(x.Type)).ToList();
        if (derived.Count == 0) return;
        info.PolymorphismOptions = new JsonPolymorphismOptions { TypeDiscriminatorPropertyName = "$m" };
        foreach (var (type, manifest) in derived) info.PolymorphismOptions.DerivedTypes.Add(new JsonDerivedType(type, manifest));
    }
}
