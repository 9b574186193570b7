using RemotePoll.Testing.Postgres;

namespace RemotePoll.System.Tests.Cluster;

/// <summary>
/// The tests of nodes on PostgreSQL share one private PostgreSQL server (a database each) and run alone, after the
/// parallel tests: several node processes on two cores next to other tests would make the failure detector see
/// unreachable nodes that are only starved.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "PostgreSQL nodes";
}
