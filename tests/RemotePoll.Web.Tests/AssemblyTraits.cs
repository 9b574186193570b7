// Every test here runs real processes (nodes, rpoll, Dovecot, PostgreSQL, a browser): the unit run leaves them out.
[assembly: RemotePoll.Testing.Integration]
