namespace RemotePoll.Cluster.Persistence;

/// <summary>Whether the node's event journal answers a read now (the web's readiness check asks, the node's layer reads).</summary>
public interface IJournalProbe
{
    /// <summary>"SQLite" or "PostgreSQL", for the health text.</summary>
    string Kind { get; }

    /// <summary>Null when a read of the journal table answered; else why it did not. Never throws for a database failure.</summary>
    Task<string?> ProbeAsync(CancellationToken cancellationToken);
}
