using Corda.HighAvailability.Rpc.Endpoints;
using Corda.HighAvailability.Rpc.Transport;

namespace Corda.HighAvailability.Rpc.Tests.Policies;

public sealed class EndpointSelectorTests
{
    private static readonly RpcEndpoint[] Endpoints = new[] { "a", "b", "c" }.Select(n => new RpcEndpoint(n, new Uri($"tcp://{n}:1"))).ToArray();

    private static string Select(IRpcEndpointSelector selector, int failed, string? connected = null, string? attempted = null) =>
        selector.Select(new RpcEndpointSelectionContext(Endpoints, failed, Find(connected), Find(attempted))).Name;

    private static RpcEndpoint? Find(string? name) => name is null ? null : Endpoints.Single(e => e.Name == name);

    [Fact]
    public void Ordered_sticky_starts_each_outage_at_the_endpoint_last_connected_and_walks_on()
    {
        var sticky = new OrderedEndpointSelector();
        Assert.Equal(["a", "b", "c", "a"], Enumerable.Range(0, 4).Select(i => Select(sticky, i)));
        Assert.Equal(["b", "c", "a"], Enumerable.Range(0, 3).Select(i => Select(sticky, i, connected: "b", attempted: "b")));
    }

    [Fact]
    public void Ordered_not_sticky_always_goes_back_to_the_first_endpoint()
    {
        var primaryFirst = new OrderedEndpointSelector(sticky: false);
        Assert.Equal(["a", "b", "c"], Enumerable.Range(0, 3).Select(i => Select(primaryFirst, i, connected: "b", attempted: "b")));
    }

    [Fact]
    public void Round_robin_moves_on_from_the_endpoint_tried_last_even_after_a_drop()
    {
        var roundRobin = new RoundRobinEndpointSelector();
        Assert.Equal("a", Select(roundRobin, 0));
        Assert.Equal("c", Select(roundRobin, 0, connected: "b", attempted: "b"));
        Assert.Equal("a", Select(roundRobin, 1, connected: "b", attempted: "c"));
    }

    [Fact]
    public void Leader_selector_goes_to_the_leader_then_falls_back_when_it_just_failed_or_is_unknown()
    {
        string? leader = "c";
        var selector = new LeaderEndpointSelector(() => leader);
        Assert.Equal("c", Select(selector, 0, connected: "a", attempted: "a"));
        // The leader failed: the fallback chooses, never straight back to the leader.
        Assert.Equal("b", Select(selector, 1, connected: "a", attempted: "c"));
        Assert.Equal("a", Select(selector, 2, connected: "a", attempted: "c"));
        // Alternates: after a failure elsewhere, the leader again.
        Assert.Equal("c", Select(selector, 3, connected: "a", attempted: "a"));
        leader = null;
        Assert.Equal("b", Select(selector, 1, connected: "a", attempted: "a"));
        leader = "unknown-host";
        Assert.Equal("a", Select(selector, 0));
    }

    [Fact]
    public void Leader_selector_fallback_is_pushed_off_the_leader_that_just_failed()
    {
        var selector = new LeaderEndpointSelector(() => "b");
        // The non-sticky ordered fallback would pick "b" at attempt 1; the next endpoint is taken instead.
        Assert.Equal("c", Select(selector, 1, attempted: "b"));
    }

    [Fact]
    public void Leader_selector_goes_back_to_the_leader_first_when_the_connection_to_it_was_lost()
    {
        // Attempt 1 of an outage: the connection to the leader just dropped, but no attempt on it has failed yet.
        var selector = new LeaderEndpointSelector(() => "b");
        Assert.Equal("b", Select(selector, 0, connected: "b", attempted: "b"));
    }

    [Fact]
    public void Leader_selector_with_a_single_endpoint_keeps_trying_it()
    {
        var only = new[] { new RpcEndpoint("a", new Uri("tcp://a:1")) };
        var selector = new LeaderEndpointSelector(() => "a");
        Assert.Equal("a", selector.Select(new RpcEndpointSelectionContext(only, 3, only[0], only[0])).Name);
    }

    [Fact]
    public void Endpoints_are_recognised_by_name_when_the_instance_differs()
    {
        // Options rebound from configuration hand out new RpcEndpoint instances with the same names.
        var copyOfB = new RpcEndpoint("b", new Uri("tcp://b:1"));
        var context = new RpcEndpointSelectionContext(Endpoints, 0, copyOfB, copyOfB);
        Assert.Equal(1, context.IndexOf(copyOfB));
        Assert.Equal(-1, context.IndexOf(new RpcEndpoint("z", new Uri("tcp://z:1"))));
        Assert.Equal(-1, context.IndexOf(null));
        Assert.Equal("b", new OrderedEndpointSelector().Select(context).Name);
        Assert.Equal("c", new RoundRobinEndpointSelector().Select(context).Name);
    }

    [Fact]
    public void Leader_selectors_default_fallback_is_not_sticky_and_a_given_fallback_is_used()
    {
        // Leader unknown, last connected to b: a non-sticky fallback starts the outage at the first endpoint.
        Assert.Equal("a", Select(new LeaderEndpointSelector(() => null), 0, connected: "b", attempted: "b"));
        Assert.Equal("c", Select(new LeaderEndpointSelector(() => null, new RoundRobinEndpointSelector()), 0, connected: "b", attempted: "b"));
    }

    [Fact]
    public void Leader_selector_pushes_the_fallback_off_a_failed_leader_at_index_0_too()
    {
        // The fallback wraps round to a (3 failed attempts over 3 endpoints); a just failed: go to b.
        Assert.Equal("b", Select(new LeaderEndpointSelector(() => "a"), 3, attempted: "a"));
    }
}
