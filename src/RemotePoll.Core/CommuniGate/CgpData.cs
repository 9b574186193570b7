namespace RemotePoll.Core.CommuniGate;

/// <summary>A CGP data block: binary bytes, written as base64 in brackets, <c>[HcqHfHI=]</c>.</summary>
public sealed record CgpData : CgpValue
{
    private readonly byte[] bytes;

    /// <summary>Copies <paramref name="bytes"/>, so the value cannot change after it is made.</summary>
    public CgpData(ReadOnlySpan<byte> bytes) => this.bytes = bytes.ToArray();

    public static CgpData Empty { get; } = new([]);

    public ReadOnlyMemory<byte> Bytes => bytes;

    public bool Equals(CgpData? other) =>
        other is not null && bytes.AsSpan().SequenceEqual(other.bytes);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(bytes);
        return hash.ToHashCode();
    }
}
