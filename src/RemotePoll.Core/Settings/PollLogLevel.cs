namespace RemotePoll.Core.Settings;

/// <summary>The module's Log setting (spec, Remote Poll settings), from least to most detail.</summary>
public enum PollLogLevel
{
    CrashesOnly,
    Failures,
    Major,
    Problems,
    LowLevel,
    AllInfo,
}
