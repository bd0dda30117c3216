using Corda.HighAvailability.Tool.Probe;

namespace Corda.HighAvailability.IntegrationTests.Probe;

/// <summary>The pure logic under <c>corda-ha probe</c>: host:port, sizes, and the masking of secrets.</summary>
public sealed class ProbeParsingTests
{
    [Theory]
    [InlineData("node1:10002", "node1", 10002, "node1:10002")]
    [InlineData("10.0.0.7:1", "10.0.0.7", 1, "10.0.0.7:1")]
    [InlineData("[::1]:65535", "::1", 65535, "[::1]:65535")]
    [InlineData("[fe80::1%eth0]:443", "fe80::1%eth0", 443, "[fe80::1%eth0]:443")]
    public void Host_and_port_parse_and_print_back(string text, string host, int port, string printed)
    {
        Assert.True(HostPort.TryParse(text, out var value, out var problem), problem);
        Assert.Equal(host, value.Host);
        Assert.Equal(port, value.Port);
        Assert.Equal(printed, value.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("node1")]
    [InlineData("node1:")]
    [InlineData(":10002")]
    [InlineData("node1:0")]
    [InlineData("node1:65536")]
    [InlineData("node1:+1")]
    [InlineData("node1:1e3")]
    [InlineData("::1:10002")]
    [InlineData("[::1]10002")]
    [InlineData("[]:1")]
    [InlineData("node 1:10002")]
    [InlineData("node1:10002\n")]
    public void Malformed_host_and_port_is_refused(string? text)
    {
        Assert.False(HostPort.TryParse(text, out _, out var problem));
        Assert.False(string.IsNullOrEmpty(problem));
    }

    [Theory]
    [InlineData("0", 0L)]
    [InlineData("1048576", 1048576L)]
    [InlineData("512MiB", 512L * 1024 * 1024)]
    [InlineData("1GiB", 1024L * 1024 * 1024)]
    [InlineData("2g", 2L * 1024 * 1024 * 1024)]
    public void Sizes_parse(string text, long bytes)
    {
        Assert.True(SizeParser.TryParse(text, out var value));
        Assert.Equal(bytes, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("lots")]
    [InlineData("-1")]
    [InlineData("1.5GiB")]
    [InlineData("1PiB")]
    [InlineData("99999999999999999TiB")]
    public void Bad_sizes_are_refused(string text) => Assert.False(SizeParser.TryParse(text, out _));

    [Fact]
    public void URL_passwords_are_masked_keeping_the_user_and_registered_secrets_everywhere()
    {
        var redactor = new ProbeRedactor();
        redactor.AddUrlPassword("amqps://artemis:p%40ss-w0rd@broker:5671");
        redactor.Add("env-secret-1");

        Assert.Equal("amqps://artemis:***@broker:5671 failed", redactor.Redact("amqps://artemis:p%40ss-w0rd@broker:5671 failed"));
        Assert.Equal("login with *** refused", redactor.Redact("login with p@ss-w0rd refused"));
        Assert.Equal("token *** and Password=***", redactor.Redact("token env-secret-1 and Password=hunter2"));
        Assert.Equal("http://u:***@h:8161/jolokia", ProbeRedactor.RedactUrls("http://u:x/y@h:8161/jolokia"));
        Assert.Equal("amqp://broker:5672", ProbeRedactor.RedactUrls("amqp://broker:5672"));
    }
}
