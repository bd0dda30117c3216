using Corda.HighAvailability.Checkpoints.Reading;
using Corda.HighAvailability.Checkpoints.SqlServer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.Checkpoints.Tests.SqlServer;

/// <summary>UseSqlServer's options and DI wiring, offline: nothing here opens a connection except the one test that expects it to fail.</summary>
public sealed class SqlServerOptionsTests : IDisposable
{
    private const string Password = "Pa55-w0rd-Sup3r-S3cret";
    private readonly List<ServiceProvider> _providers = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        foreach (var provider in _providers)
        {
            provider.Dispose();
        }
    }

    [Fact]
    public void UseSqlServer_wires_the_verifier_without_opening_a_connection()
    {
        // Port 1 on loopback: nothing listens, so any attempt to connect would fail the test.
        var provider = Build($"Server=tcp:127.0.0.1,1;Database=corda;User ID=corda_ha;Password={Password};Connect Timeout=1");

        Assert.NotNull(provider.GetRequiredService<ICheckpointVerifier>());
        var database = provider.GetRequiredService<CheckpointDatabase>();
        Assert.IsType<SqlServerCheckpointDatabase>(database);
        Assert.Equal(("sqlserver", "dbo"), (database.ProviderName, database.DefaultSchema));
    }

    [Fact]
    public void Configure_sets_the_binary_collation()
    {
        var provider = Build("Server=x", o => o.BinaryCollation = "Latin1_General_100_BIN2");

        Assert.Equal("flow_id COLLATE Latin1_General_100_BIN2", provider.GetRequiredService<CheckpointDatabase>().OrderByBinary("flow_id"));
    }

    [Theory]
    [InlineData("", null, "SqlServerCheckpointOptions.ConnectionString is required.")]
    [InlineData("   ", null, "SqlServerCheckpointOptions.ConnectionString is required.")]
    [InlineData("Server=x", "", "SqlServerCheckpointOptions.BinaryCollation is required.")]
    [InlineData("Server=x", "Latin1_General_CI_AS", "SqlServerCheckpointOptions.BinaryCollation 'Latin1_General_CI_AS' is not a binary code point collation")]
    [InlineData("Server=x", "Latin1_General_BIN", "SqlServerCheckpointOptions.BinaryCollation 'Latin1_General_BIN' is not a binary code point collation")]
    [InlineData("Server=x", "Latin1_General_BIN2 --", "SqlServerCheckpointOptions.BinaryCollation 'Latin1_General_BIN2 --' is not a valid SQL identifier")]
    public void Invalid_options_are_refused_naming_the_option(string connectionString, string? collation, string expected)
    {
        var provider = Build(connectionString, o =>
        {
            if (collation is not null)
            {
                o.BinaryCollation = collation;
            }
        });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SqlServerCheckpointOptions>>().Value);

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);

        // Resolving the database (and so running the verifier) fails the same way.
        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<CheckpointDatabase>());
    }

    [Theory]
    [InlineData($"Server=x;Password={Password};Bogus Keyword=1")]
    [InlineData($"Server=x;Password={Password};Connect Timeout=soon")]
    [InlineData($"Server=x;Password={Password};Encrypt=sometimes")]
    [InlineData($"Server=x;Password={Password};Max Pool Size=99999999999999999999")]
    [InlineData($"Password={Password};Server")]
    public void An_unparseable_connection_string_is_refused_without_echoing_it(string connectionString)
    {
        var provider = Build(connectionString);

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SqlServerCheckpointOptions>>().Value);

        Assert.Equal("SqlServerCheckpointOptions.ConnectionString is not a valid Microsoft.Data.SqlClient connection string.", Assert.Single(error.Failures));
        Assert.DoesNotContain(Password, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Server=x", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_cannot_be_reached_fails_the_run_without_the_password_in_the_error()
    {
        var verifier = Build($"Server=tcp:127.0.0.1,1;Database=corda;User ID=corda_ha;Password={Password};Connect Timeout=2;ConnectRetryCount=0")
            .GetRequiredService<ICheckpointVerifier>();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => verifier.VerifyToReportAsync(cancellationToken: Ct));

        Assert.IsNotType<OptionsValidationException>(error);
        Assert.DoesNotContain(Password, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_schema_name_with_SQL_in_it_is_refused_at_start_up_naming_the_option()
    {
        var provider = Build("Server=x", verification: o => o.SchemaName = "dbo]; DROP TABLE node_checkpoints; --");

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<CheckpointVerificationOptions>>().Value);

        Assert.Contains("CheckpointVerificationOptions.SchemaName", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_options_are_validated_when_the_host_starts()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddCordaHa(ha => ha.AddCheckpointVerification().UseSqlServer(string.Empty));
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Ct));

        Assert.Contains("SqlServerCheckpointOptions.ConnectionString is required.", error.Message, StringComparison.Ordinal);
    }

    private static ServiceCollection Services(string connectionString, Action<SqlServerCheckpointOptions>? configure = null, Action<CheckpointVerificationOptions>? verification = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddCordaHa(ha => ha.AddCheckpointVerification(verification).UseSqlServer(connectionString, configure));
        return services;
    }

    private ServiceProvider Build(string connectionString, Action<SqlServerCheckpointOptions>? configure = null, Action<CheckpointVerificationOptions>? verification = null)
    {
        var provider = Services(connectionString, configure, verification).BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        _providers.Add(provider);
        return provider;
    }
}
