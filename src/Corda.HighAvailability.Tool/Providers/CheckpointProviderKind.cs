namespace Corda.HighAvailability.Tool.Providers;

/// <summary>
/// The databases <c>checkpoints verify</c> accepts on the command line. Separate from <see cref="ProviderKind"/>:
/// checkpoint verification has no SQLite dialect, and it names SQL Server before this build can read it.
/// </summary>
internal enum CheckpointProviderKind
{
    Postgres,
    SqlServer,
}
