using System.Text.Json;
using Corda.HighAvailability.Artemis.Jolokia;

namespace Corda.HighAvailability.Artemis.Tests.Jolokia;

/// <summary>Artemis' object names as the probe writes and reads them (pure string logic; the fixture tests prove them against a real MBean server).</summary>
public sealed class ArtemisObjectNamesTests
{
    [Fact]
    public void Names_quote_values_as_ObjectName_quote_does()
    {
        Assert.Equal("org.apache.activemq.artemis:broker=\"P2P\"", ArtemisObjectNames.Broker("P2P"));
        Assert.Equal("org.apache.activemq.artemis:broker=*", ArtemisObjectNames.Broker(null));
        Assert.Equal("\"a\\\"b\\\\c\\*d\\?e\\nf\"", ArtemisObjectNames.Quote("a\"b\\c*d?e\nf"));
        Assert.Equal(
            "org.apache.activemq.artemis:broker=\"P2P\",component=addresses,subcomponent=queues,queue=\"p2p.inbound.*\",*",
            ArtemisObjectNames.QueuesWithPrefix("P2P", "p2p.inbound."));
        // A wildcard in the prefix is matched literally; only the trailing one is a wildcard.
        Assert.Equal(
            "org.apache.activemq.artemis:broker=*,component=addresses,subcomponent=queues,queue=\"odd\\*name*\",*",
            ArtemisObjectNames.QueuesWithPrefix(null, "odd*name"));
    }

    [Fact]
    public void Key_values_are_read_back_unquoted_whatever_the_key_order()
    {
        const string name = "org.apache.activemq.artemis:address=\"p2p.inbound.X\",broker=\"P2P\",component=addresses,queue=\"we\\\"ird,name\",routing-type=\"anycast\",subcomponent=queues";

        Assert.Equal("we\"ird,name", ArtemisObjectNames.KeyValue(name, "queue"));
        Assert.Equal("P2P", ArtemisObjectNames.KeyValue(name, "broker"));
        Assert.Equal("addresses", ArtemisObjectNames.KeyValue(name, "component"));
        Assert.Equal("queues", ArtemisObjectNames.KeyValue(name, "subcomponent"));
        Assert.Null(ArtemisObjectNames.KeyValue(name, "missing"));
    }

    [Fact]
    public void The_bulk_request_reads_each_attribute_on_its_own_and_each_prefix_by_pattern()
    {
        var options = new JolokiaProbeOptions { Endpoint = new Uri("http://broker:8161/console/jolokia"), BrokerName = "P2P" };
        options.QueueThresholds["p2p.inbound."] = 1000;

        var request = JolokiaRequest.Create(options);
        using var json = JsonDocument.Parse(request.Body);

        var entries = json.RootElement.EnumerateArray().ToList();
        Assert.Equal(9, entries.Count);
        Assert.Equal("search", entries[0].GetProperty("type").GetString());
        Assert.Equal("org.apache.activemq.artemis:broker=*", entries[0].GetProperty("mbean").GetString());
        Assert.Equal(
            ["Active", "Started", "Backup", "ReplicaSync", "AddressMemoryUsagePercentage", "DiskStoreUsage", "Version"],
            entries.Skip(1).Take(7).Select(e => e.GetProperty("attribute").GetString()));
        Assert.All(entries.Skip(1).Take(7), e => Assert.Equal("org.apache.activemq.artemis:broker=\"P2P\"", e.GetProperty("mbean").GetString()));
        Assert.Equal("MessageCount", entries[8].GetProperty("attribute").GetString());
    }
}
