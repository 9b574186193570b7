using System.Text.Json;
using System.Text.Json.Serialization;
using RemotePoll.Core.Records;
using RemotePoll.Core.Secrets;

namespace RemotePoll.Cluster.Serialization;

/// <summary>
/// Core value types written as their canonical text, so the journal holds "10m" and "pop.example.com:110",
/// not the shape of a CLR object.
/// </summary>
internal static class CoreJsonConverters
{
    public static IEnumerable<JsonConverter> All =>
    [
        new TextConverter<PollPeriod>(p => p.ToString(), s => s == "Disabled" ? PollPeriod.Disabled
            : PollPeriod.Every(PollPeriod.TryParseDuration(s, out var r) ?? throw new JsonException($"bad period '{s}': {r}"))),
        new TextConverter<HostAndPort>(h => h.ToString(), HostAndPort.Parse),
        new TextConverter<SealedSecret>(s => s.Ciphertext, s => new SealedSecret(s)),
        new JsonStringEnumConverter(),
    ];

    private sealed class TextConverter<T>(Func<T, string> write, Func<string, T> read) : JsonConverter<T>
    {
        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            read(reader.GetString() ?? throw new JsonException($"{typeof(T).Name} must be a string"));

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
            writer.WriteStringValue(write(value));
    }
}
