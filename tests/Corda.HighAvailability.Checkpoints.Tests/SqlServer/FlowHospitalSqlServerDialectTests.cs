using Corda.HighAvailability.Checkpoints.Flows;
using Corda.HighAvailability.Checkpoints.PostgreSql;
using Corda.HighAvailability.Checkpoints.SqlServer;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace Corda.HighAvailability.Checkpoints.Tests.SqlServer;

/// <summary>
/// The flow hospital view's statements, checked offline since no SQL Server can run here: Microsoft's own T-SQL parser
/// (ScriptDom) accepts every one of them, the schema is a plain identifier, and every value is a T-SQL variable, never
/// text spliced into the statement.
/// </summary>
public sealed class FlowHospitalSqlServerDialectTests
{
    private static readonly FlowHospitalSql Sql = new("dbo", FlowHospitalOptions.DefaultMaxTextLength);

    public static TheoryData<string, string, string[]> Statements() => new()
    {
        { "list all", Sql.List(0, olderThan: false, limit: false), [] },
        { "list by status", Sql.List(2, olderThan: false, limit: false), ["@status0", "@status1"] },
        { "list older than", Sql.List(0, olderThan: true, limit: false), ["@cutoff"] },
        { "list limited", Sql.List(0, olderThan: false, limit: true), ["@limit"] },
        { "list with every filter", Sql.List(6, olderThan: true, limit: true), ["@status0", "@status1", "@status2", "@status3", "@status4", "@status5", "@cutoff", "@limit"] },
        { "find", Sql.Find, ["@flow_id"] },
        { "summary", Sql.Summary, [] },
    };

    [Theory]
    [MemberData(nameof(Statements))]
    public void Every_statement_parses_as_one_T_SQL_SELECT_with_its_values_as_variables(string name, string statement, string[] variables)
    {
        var select = ParseSingle(statement, name);

        var collector = new Collector();
        select.Accept(collector);
        Assert.Equal(variables.Order(StringComparer.Ordinal), collector.Variables.Order(StringComparer.Ordinal));
        Assert.All(collector.Tables, t => Assert.Equal(("dbo", QuoteType.NotQuoted, QuoteType.NotQuoted), (t.SchemaIdentifier.Value, t.SchemaIdentifier.QuoteType, t.BaseIdentifier.QuoteType)));
        Assert.Empty(collector.Strings);
        Assert.DoesNotContain('[', statement);
        Assert.DoesNotContain('"', statement);
        Assert.DoesNotContain(';', statement);
    }

    [Fact]
    public void The_list_reads_oldest_first_and_limits_with_OFFSET_FETCH_on_a_bound_row_count()
    {
        var query = Assert.IsType<QuerySpecification>(ParseSingle(Sql.List(1, olderThan: true, limit: true), "list").QueryExpression);

        Assert.Null(query.TopRowFilter);
        var fetch = Assert.IsType<ParenthesisExpression>(query.OffsetClause.FetchExpression);
        Assert.Equal("@limit", Assert.IsType<VariableReference>(fetch.Expression).Name);
        var order = query.OrderByClause.OrderByElements;
        Assert.Equal(2, order.Count);
        Assert.IsType<CoalesceExpression>(order[0].Expression);
        Assert.Equal(3, Tables(Assert.IsType<QualifiedJoin>(Assert.Single(query.FromClause.TableReferences))));
    }

    [Fact]
    public void Text_columns_are_cut_in_the_database_one_character_past_the_limit()
    {
        var sql = new FlowHospitalSql("corda", 100);

        Assert.Contains("SUBSTRING(e.exception_message, 1, 101)", sql.Find, StringComparison.Ordinal);
        Assert.Contains("SUBSTRING(e.stack_trace, 1, 101)", sql.Find, StringComparison.Ordinal);
        Assert.Contains($"SUBSTRING(m.flow_name, 1, {FlowHospitalSql.ShortTextLength + 1})", sql.Find, StringComparison.Ordinal);
        Assert.Contains("FROM corda.node_checkpoints c LEFT JOIN corda.node_flow_metadata m ON m.flow_id = c.flow_id", sql.Summary, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("dbo; DELETE FROM node_checkpoints")]
    [InlineData("[dbo]")]
    [InlineData("dbo.x")]
    [InlineData("dbo--")]
    [InlineData("")]
    public void A_schema_that_is_not_a_plain_identifier_is_refused_before_any_SQL_is_built(string schema)
    {
        var error = Assert.Throws<ArgumentException>(() => new FlowHospitalSql(schema, 2000));

        Assert.Contains("FlowHospitalOptions.SchemaName", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PostgreSQL_reads_in_a_READ_ONLY_transaction_and_SQL_Server_relies_on_the_login()
    {
        using var postgres = new PostgreSqlCheckpointDatabase("Host=127.0.0.1");
        var sqlServer = new SqlServerCheckpointDatabase(new SqlServerCheckpointOptions { ConnectionString = "Server=127.0.0.1,1;Database=corda" });

        Assert.Equal("SET TRANSACTION READ ONLY", postgres.ReadOnlyTransactionStatement);
        Assert.Null(sqlServer.ReadOnlyTransactionStatement);
    }

    private static int Tables(QualifiedJoin join) =>
        (join.FirstTableReference is QualifiedJoin inner ? Tables(inner) : 1) + (join.SecondTableReference is QualifiedJoin second ? Tables(second) : 1);

    private static SelectStatement ParseSingle(string statement, string name)
    {
        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(statement);
        var script = parser.Parse(reader, out var errors);

        Assert.True(errors.Count == 0, $"{name}: {string.Join("; ", errors.Select(e => $"{e.Line}:{e.Column} {e.Message}"))}\n{statement}");
        var batch = Assert.Single(Assert.IsType<TSqlScript>(script).Batches);
        return Assert.IsType<SelectStatement>(Assert.Single(batch.Statements));
    }

    private sealed class Collector : TSqlFragmentVisitor
    {
        public List<string> Variables { get; } = [];

        public List<SchemaObjectName> Tables { get; } = [];

        public List<string> Strings { get; } = [];

        public override void Visit(VariableReference node) => Variables.Add(node.Name);

        public override void Visit(NamedTableReference node) => Tables.Add(node.SchemaObject);

        public override void Visit(StringLiteral node) => Strings.Add(node.Value);
    }
}
