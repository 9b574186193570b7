namespace RemotePoll.Mail.Tests.Rpop;

/// <summary>Stands for a node killed between the local side's acknowledgement and the journal write.</summary>
internal sealed class NodeDiedException() : Exception("the node died before the commit");
