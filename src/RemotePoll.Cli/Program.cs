using RemotePoll.Cli;

var code = await Rpoll.RunAsync(args, Console.In, Console.Out, Console.Error);
// Exit now even if a remoting thread of the client is still winding down.
Console.Out.Flush();
Environment.Exit(code);
return code;
