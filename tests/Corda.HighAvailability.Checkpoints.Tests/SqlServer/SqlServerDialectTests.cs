using Corda.HighAvailability.Checkpoints.Reading;
using Corda.HighAvailability.Checkpoints.SqlServer;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace Corda.HighAvailability.Checkpoints.Tests.SqlServer;

/// <summary>
/// The statements the verifier sends to SQL Server, checked offline: their exact text, and Microsoft's own T-SQL
/// parser (ScriptDom) accepting them with the expected shape, since no SQL Server can run here.
/// </summary>
public sealed class SqlServerDialectTests
{
    private static readonly SqlServerCheckpointDatabase Database = new(new SqlServerCheckpointOptions { ConnectionString = "Server=127.0.0.1,1;Database=corda" });

    public static TheoryData<string, string> Statements()
    {
        var sql = new CheckpointSql(Database, Database.DefaultSchema);
        return new TheoryData<string, string>
        {
            { nameof(sql.Checkpoints), sql.Checkpoints },
            { nameof(sql.Blobs), sql.Blobs },
            { nameof(sql.Metadata), sql.Metadata },
            { nameof(sql.Results), sql.Results },
            { nameof(sql.Exceptions), sql.Exceptions },
            { nameof(sql.LegacyCheckpoints), sql.LegacyCheckpoints },
        };
    }

    [Fact]
    public void The_dialect_reads_dbo_by_default_and_names_itself()
    {
        Assert.Equal("dbo", Database.DefaultSchema);
        Assert.Equal("sqlserver", Database.ProviderName);
    }

    [Fact]
    public void Every_table_is_read_whole_in_binary_flow_id_order_with_unquoted_validated_identifiers()
    {
        var sql = new CheckpointSql(Database, "dbo");

        Assert.Equal("SELECT flow_id, status FROM dbo.node_checkpoints ORDER BY flow_id COLLATE Latin1_General_BIN2", sql.Checkpoints);
        Assert.Equal("SELECT flow_id, checkpoint_value, flow_state FROM dbo.node_checkpoint_blobs ORDER BY flow_id COLLATE Latin1_General_BIN2", sql.Blobs);
        Assert.Equal("SELECT flow_id, finish_time, flow_parameters FROM dbo.node_flow_metadata ORDER BY flow_id COLLATE Latin1_General_BIN2", sql.Metadata);
        Assert.Equal("SELECT flow_id, result_value FROM dbo.node_flow_results ORDER BY flow_id COLLATE Latin1_General_BIN2", sql.Results);
        Assert.Equal("SELECT flow_id, exception_value FROM dbo.node_flow_exceptions ORDER BY flow_id COLLATE Latin1_General_BIN2", sql.Exceptions);
        Assert.Equal("SELECT checkpoint_id, checkpoint_value FROM dbo.node_checkpoints ORDER BY checkpoint_id COLLATE Latin1_General_BIN2", sql.LegacyCheckpoints);
    }

    [Theory]
    [MemberData(nameof(Statements))]
    public void Each_table_statement_parses_as_T_SQL_without_row_limits_quoting_or_parameters(string name, string statement)
    {
        var select = ParseSingle<SelectStatement>(statement);

        var query = Assert.IsType<QuerySpecification>(select.QueryExpression);
        Assert.Null(query.TopRowFilter);
        Assert.Null(query.OffsetClause);
        Assert.Null(query.WhereClause);
        var table = Assert.IsType<NamedTableReference>(Assert.Single(query.FromClause.TableReferences));
        Assert.Equal(("dbo", QuoteType.NotQuoted), (table.SchemaObject.SchemaIdentifier.Value, table.SchemaObject.SchemaIdentifier.QuoteType));
        Assert.Equal(QuoteType.NotQuoted, table.SchemaObject.BaseIdentifier.QuoteType);
        var order = Assert.Single(query.OrderByClause.OrderByElements);
        var key = Assert.IsType<ColumnReferenceExpression>(order.Expression);
        Assert.Equal(SqlServerCheckpointOptions.DefaultBinaryCollation, key.Collation?.Value);
        Assert.Equal(name == "LegacyCheckpoints" ? "checkpoint_id" : "flow_id", key.MultiPartIdentifier.Identifiers.Single().Value);
        Assert.DoesNotContain('@', statement);
        Assert.DoesNotContain('[', statement);
        Assert.DoesNotContain('"', statement);
    }

    [Fact]
    public void The_column_listing_reads_INFORMATION_SCHEMA_with_the_schema_as_a_T_SQL_parameter()
    {
        Assert.Equal("@schema", Database.SchemaParameterName);
        Assert.Equal(
            "SELECT TABLE_NAME, COLUMN_NAME FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = @schema AND TABLE_NAME IN " +
            "('node_checkpoints', 'node_checkpoint_blobs', 'node_flow_metadata', 'node_flow_results', 'node_flow_exceptions')",
            Database.ColumnsQuery);

        var select = ParseSingle<SelectStatement>(Database.ColumnsQuery);
        var query = Assert.IsType<QuerySpecification>(select.QueryExpression);
        var table = Assert.IsType<NamedTableReference>(Assert.Single(query.FromClause.TableReferences));
        Assert.Equal(("INFORMATION_SCHEMA", "COLUMNS"), (table.SchemaObject.SchemaIdentifier.Value, table.SchemaObject.BaseIdentifier.Value));
        var variables = new VariableCollector();
        query.WhereClause.Accept(variables);
        Assert.Equal(["@schema"], variables.Names);
    }

    [Theory]
    [InlineData("Latin1_General_100_BIN2")]
    [InlineData("Japanese_XJIS_140_BIN2")]
    public void A_configured_binary_collation_is_used_in_every_ORDER_BY(string collation)
    {
        var database = new SqlServerCheckpointDatabase(new SqlServerCheckpointOptions { ConnectionString = "Server=x", BinaryCollation = collation });

        var sql = new CheckpointSql(database, "corda");

        Assert.EndsWith($"ORDER BY flow_id COLLATE {collation}", sql.Checkpoints, StringComparison.Ordinal);
        Assert.Equal("SELECT flow_id, status FROM corda.node_checkpoints", sql.Checkpoints[..sql.Checkpoints.IndexOf(" ORDER", StringComparison.Ordinal)]);
    }

    [Theory]
    [InlineData("dbo; DROP TABLE node_checkpoints")]
    [InlineData("dbo].[x")]
    [InlineData("[dbo]")]
    [InlineData("\"dbo\"")]
    [InlineData("dbo.x")]
    [InlineData("dbo--")]
    [InlineData("dbo'")]
    [InlineData("dbo/**/")]
    [InlineData("1dbo")]
    [InlineData("")]
    public void A_schema_name_that_is_not_a_plain_identifier_is_refused_before_any_SQL_is_built(string schema)
    {
        var error = Assert.Throws<ArgumentException>(() => new CheckpointSql(Database, schema));

        Assert.Contains("CheckpointVerificationOptions.SchemaName", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_collation_that_is_not_a_plain_identifier_is_refused_by_the_dialect_itself()
    {
        var error = Assert.Throws<ArgumentException>(() => new SqlServerCheckpointDatabase(
            new SqlServerCheckpointOptions { ConnectionString = "Server=x", BinaryCollation = "Latin1_General_BIN2; DROP TABLE x" }));

        Assert.Contains("SqlServerCheckpointOptions.BinaryCollation", error.Message, StringComparison.Ordinal);
    }

    private static T ParseSingle<T>(string statement)
        where T : TSqlStatement
    {
        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(statement);
        var script = parser.Parse(reader, out var errors);

        Assert.Empty(errors.Select(e => $"{e.Line}:{e.Column} {e.Message}"));
        var batch = Assert.Single(Assert.IsType<TSqlScript>(script).Batches);
        return Assert.IsType<T>(Assert.Single(batch.Statements));
    }

    private sealed class VariableCollector : TSqlFragmentVisitor
    {
        public List<string> Names { get; } = [];

        public override void Visit(VariableReference node) => Names.Add(node.Name);
    }
}
