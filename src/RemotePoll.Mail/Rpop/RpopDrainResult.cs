using RemotePoll.Core.Polling;

namespace RemotePoll.Mail.Rpop;

/// <summary>
/// What a drain did. <see cref="Problem"/> is set when messages had to be left on the server (over the size limit,
/// refused by the local side); the poll then reports it as its error although the rest was delivered.
/// </summary>
public sealed record RpopDrainResult(int Delivered, long Bytes, int LeftOnServer, PollErrorKind? ProblemKind, string? Problem);
