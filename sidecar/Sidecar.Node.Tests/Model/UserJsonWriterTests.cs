using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Sidecar.Node.Model;
using Sidecar.Store.State;

namespace Sidecar.Node.Tests.Model;

/// <summary>Renderings reuse one buffer per thread: each must hold its own document and nothing of the one before.</summary>
public sealed class UserJsonWriterTests
{
    [Fact]
    public void Each_rendering_holds_only_its_own_document_whatever_was_rendered_before_on_the_thread()
    {
        var big = Render("big", State(("a", new string('x', 100_000)), ("b", "y"))); // grows past what a thread keeps
        var small = Render("small", State(("city", "Goa")));
        var again = Render("small", State(("city", "Goa")));
        var medium = Render("medium", State(("a", new string('z', 3000))));
        var last = Render("small", State(("city", "Goa")));

        Assert.Equal("y", big.RootElement.GetProperty("fields").GetProperty("b").GetString());
        Assert.Equal(100_000, big.RootElement.GetProperty("fields").GetProperty("a").GetString()!.Length);
        foreach (var document in new[] { small, again, last })
        {
            Assert.Equal("small", document.RootElement.GetProperty("userId").GetString());
            Assert.Equal("""{"city":"Goa"}""", document.RootElement.GetProperty("fields").GetRawText());
        }

        Assert.Equal(3000, medium.RootElement.GetProperty("fields").GetProperty("a").GetString()!.Length);
        Assert.Equal(small.RootElement.GetRawText(), last.RootElement.GetRawText());
    }

    private static JsonDocument Render(string userId, UserState state) =>
        JsonDocument.Parse(UserJsonWriter.Render(userId, state, "v1")); // throws on anything but one whole document

    private static UserState State(params (string Name, string Value)[] fields)
    {
        var state = new UserState();
        foreach (var (name, value) in fields)
        {
            state.Fields.Add(new FieldEntry { Name = name, JsonValue = ByteString.CopyFrom(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(value))) });
        }

        return state;
    }
}
