"""Real processes for crash tests: a publisher and a task worker started against the test
database, waited on through what they print (never the clock), killed with SIGKILL."""
