namespace Corda.HighAvailability.Checkpoints.Flows;

/// <summary>
/// Options of the flow hospital view. Validated when the host starts: a valid <see cref="SchemaName"/>,
/// <see cref="MaxTextLength"/> in 16..1 000 000, a <see cref="NodeTimeZone"/> this machine knows, and a positive
/// <see cref="CommandTimeout"/>.
/// </summary>
public sealed class FlowHospitalOptions
{
    /// <summary>The default <see cref="MaxTextLength"/>: 2000, the length Corda itself cuts exception messages to.</summary>
    public const int DefaultMaxTextLength = 2000;

    /// <summary>The smallest <see cref="MaxTextLength"/> accepted.</summary>
    public const int MinMaxTextLength = 16;

    /// <summary>The largest <see cref="MaxTextLength"/> accepted.</summary>
    public const int MaxMaxTextLength = 1_000_000;

    /// <summary>The schema holding Corda's tables; <see langword="null"/> for the provider's default (<c>public</c>, <c>dbo</c>).</summary>
    public string? SchemaName { get; set; }

    /// <summary>
    /// The most characters of an exception message or stack trace returned; longer ones are cut in the database and
    /// flagged as truncated. Default 2000.
    /// </summary>
    public int MaxTextLength { get; set; } = DefaultMaxTextLength;

    /// <summary>
    /// The time zone the node's timestamps are stored in. Corda's tables use columns without a zone
    /// (<c>timestamp</c>, <c>DATETIME2</c>), into which the node's JDBC driver writes its JVM's local time; set the
    /// node's zone when it does not run in UTC (an IANA or Windows id, for example <c>Europe/London</c>). Default <c>UTC</c>.
    /// </summary>
    public string NodeTimeZone { get; set; } = "UTC";

    /// <summary>How long one statement may run. Default 30 s.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
