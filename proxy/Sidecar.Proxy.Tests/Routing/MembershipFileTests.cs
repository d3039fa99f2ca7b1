using System.Text;
using Sidecar.Proxy.Membership;

namespace Sidecar.Proxy.Tests.Routing;

/// <summary>What the membership file accepts and what it refuses whole, with the reason.</summary>
public sealed class MembershipFileTests
{
    private static readonly string[] Known = ["dc-a", "dc-b"];

    [Fact]
    public void A_valid_file_lists_every_node_with_its_datacenter()
    {
        var (nodes, error) = Parse("""{"datacenters":{"dc-a":[{"id":"a1","address":"http://127.0.0.1:1"}],"dc-b":[{"id":"b1","address":"https://b1.example:443/"}]}}""");
        Assert.Null(error);
        Assert.Equal([new NodeAddress("a1", "dc-a", "http://127.0.0.1:1"), new NodeAddress("b1", "dc-b", "https://b1.example:443/")], nodes);
    }

    [Fact]
    public void An_h2c_address_is_forwarded_to_over_http2_at_the_same_host_and_port()
    {
        var (nodes, error) = Parse("""{"datacenters":{"dc-a":[{"id":"a1","address":"h2c://127.0.0.1:5081/"},{"id":"a2","address":"http://127.0.0.1:5080"},{"id":"a3","address":"H2C://127.0.0.1:5082"}]}}""");
        Assert.Null(error);
        var h2c = new Node(nodes![0], new Sidecar.Proxy.Health.NodeHealth());
        var http11 = new Node(nodes[1], new Sidecar.Proxy.Health.NodeHealth());
        Assert.True(h2c.Http2);
        Assert.Equal("http://127.0.0.1:5081", h2c.Prefix);
        Assert.Equal("h2c://127.0.0.1:5081", h2c.Address);
        Assert.False(http11.Http2);
        var upper = new Node(nodes[2], new Sidecar.Proxy.Health.NodeHealth());
        Assert.True(upper.Http2);
        Assert.Equal("http://127.0.0.1:5082", upper.Prefix);
        Assert.Equal("http://127.0.0.1:5080", http11.Prefix);
    }

    [Theory]
    [InlineData("""{"datacenters":{"dc-a":[{"id":"a1","address":"http://127.0.0.1:1"}]""", "not valid JSON")]
    [InlineData("""{"nodes":[]}""", "no \"datacenters\"")]
    [InlineData("""{"datacenters":{"dc-a":[{"id":"a1","address":"127.0.0.1:1"}]}}""", "is not an http(s):// or h2c:// host:port base URL")]
    [InlineData("""{"datacenters":{"dc-a":[{"id":"a1","address":"http://127.0.0.1:1/v1"}]}}""", "is not an http(s):// or h2c:// host:port base URL")]
    [InlineData("""{"datacenters":{"dc-a":[{"id":"a1","address":"ftp://127.0.0.1:1"}]}}""", "is not an http(s):// or h2c:// host:port base URL")]
    [InlineData("""{"datacenters":{"dc-x":[{"id":"x1","address":"http://127.0.0.1:1"}]}}""", "unknown datacenter 'dc-x'")]
    [InlineData("""{"datacenters":{"dc-a":[{"id":"a1","address":"http://127.0.0.1:1"}],"dc-b":[{"id":"a1","address":"http://127.0.0.1:2"}]}}""", "node id 'a1' appears twice")]
    [InlineData("""{"datacenters":{"dc-a":[{"address":"http://127.0.0.1:1"}]}}""", "node id '' must be")]
    public void An_invalid_file_is_refused_with_the_reason(string json, string reason)
    {
        var (nodes, error) = Parse(json);
        Assert.Null(nodes);
        Assert.Contains(reason, error);
    }

    private static (IReadOnlyList<NodeAddress>? Nodes, string? Error) Parse(string json) => MembershipFile.Parse(Encoding.UTF8.GetBytes(json), Known);
}
