using RemotePoll.Cli;

return await Rpoll.RunAsync(args, Console.In, Console.Out, Console.Error);
