using Corda.HighAvailability.LeaseElection.SqlServer;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace Corda.HighAvailability.IntegrationTests.CordaMutualExclusion;

/// <summary>
/// The SQL Server reader of Corda Enterprise's mutual-exclusion row, checked offline with Microsoft's T-SQL parser
/// (ScriptDom), since no SQL Server can run here: the statement parses, identifiers are unquoted, the only value
/// is the <c>@id</c> parameter, and the clock is the server's.
/// </summary>
public sealed class SqlServerCordaMutualExclusionSqlTests
{
    private static string Statement(Action<SqlServerCordaMutualExclusionOptions>? configure = null)
    {
        var options = new SqlServerCordaMutualExclusionOptions { ConnectionString = "Server=127.0.0.1,1;Database=corda" };
        configure?.Invoke(options);
        return new SqlServerCordaMutualExclusionReader(options).Read;
    }

    [Fact]
    public void The_read_parses_as_T_SQL_with_unquoted_identifiers_and_only_the_id_parameter()
    {
        var visitor = new Collector();
        Parse(Statement()).Accept(visitor);

        Assert.All(visitor.Identifiers, id => Assert.Equal(QuoteType.NotQuoted, id.QuoteType));
        Assert.Equal(["@id"], visitor.Variables.Distinct(StringComparer.OrdinalIgnoreCase));
        Assert.Empty(visitor.StringLiterals);
        Assert.Contains(visitor.Identifiers, id => id.Value == "node_mutual_exclusion");
        Assert.Contains(visitor.Identifiers, id => id.Value == "dbo");
        Assert.Contains("SYSDATETIME()", Statement(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_configured_schema_and_table_are_used()
    {
        var visitor = new Collector();
        Parse(Statement(o => { o.SchemaName = "corda"; o.TableName = "mutex"; })).Accept(visitor);

        Assert.Contains(visitor.Identifiers, id => id.Value == "corda");
        Assert.Contains(visitor.Identifiers, id => id.Value == "mutex");
    }

    [Fact]
    public void The_documented_table_parses_as_T_SQL_and_has_every_column_the_read_selects()
    {
        var visitor = new Collector();
        Parse(CordaMutualExclusionTable.SqlServerDdl()).Accept(visitor);
        var create = Assert.Single(visitor.Creates);
        var columns = create.Definition.ColumnDefinitions.Select(c => c.ColumnIdentifier.Value).ToList();

        Assert.Equal("node_mutual_exclusion", create.SchemaObjectName.BaseIdentifier.Value);
        Assert.Equal(["mutual_exclusion_id", "machine_name", "pid", "mutual_exclusion_timestamp", "version"], columns);
        var selected = new Collector();
        Parse(Statement()).Accept(selected);
        Assert.All(columns, column => Assert.Contains(selected.Identifiers, id => id.Value == column));
    }

    [Theory]
    [InlineData("dbo]; DROP TABLE x; --")]
    [InlineData("")]
    public void A_bad_schema_name_is_refused_naming_the_option(string schema)
    {
        var error = Assert.Throws<ArgumentException>(() => Statement(o => o.SchemaName = schema));

        Assert.Contains("SqlServerCordaMutualExclusionOptions.SchemaName", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_command_timeout_under_one_second_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => Statement(o => o.CommandTimeout = TimeSpan.FromMilliseconds(10)));

        Assert.Contains("SqlServerCordaMutualExclusionOptions.CommandTimeout", error.Message, StringComparison.Ordinal);
    }

    private static TSqlScript Parse(string sql)
    {
        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(sql);
        var fragment = parser.Parse(reader, out var errors);
        Assert.Empty(errors.Select(e => $"{e.Line}:{e.Column} {e.Message}"));
        var script = Assert.IsType<TSqlScript>(fragment);
        Assert.NotEmpty(script.Batches);
        return script;
    }

    private sealed class Collector : TSqlFragmentVisitor
    {
        public List<string> Variables { get; } = [];

        public List<string> StringLiterals { get; } = [];

        public List<Identifier> Identifiers { get; } = [];

        public List<CreateTableStatement> Creates { get; } = [];

        public override void Visit(CreateTableStatement node) => Creates.Add(node);

        public override void Visit(VariableReference node) => Variables.Add(node.Name);

        public override void Visit(StringLiteral node) => StringLiterals.Add(node.Value);

        public override void Visit(Identifier node) => Identifiers.Add(node);
    }
}
