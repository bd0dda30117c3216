// One real PostgreSQL server for the whole run (Corda.HighAvailability.Testing); each test class gets its own database on it.
[assembly: AssemblyFixture(typeof(PostgresServer))]
