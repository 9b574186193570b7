using RemotePoll.Mail.Rimap;

namespace RemotePoll.Mail.Tests.Rimap;

/// <summary>The caller's side of a mirror: persists each reported folder state and hands it back on the next poll.</summary>
internal sealed class CommitLog
{
    private readonly Dictionary<string, RimapFolderState> _state = new(StringComparer.Ordinal);

    public List<RimapFolderProgress> Commits { get; } = [];

    public IReadOnlyDictionary<string, RimapFolderState> Known => new Dictionary<string, RimapFolderState>(_state, StringComparer.Ordinal);

    public RimapFolderState? this[string remoteName] => _state.GetValueOrDefault(remoteName);

    public Task CommitAsync(RimapFolderProgress progress, CancellationToken cancellationToken)
    {
        Commits.Add(progress);
        _state[progress.State.RemoteName] = progress.State;
        return Task.CompletedTask;
    }

    public void Forget(string remoteName) => _state.Remove(remoteName);
}
