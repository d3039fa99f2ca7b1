using System.Text.Json;
using Sidecar.Rules.Values;

namespace Sidecar.Rules.Tests;

public sealed class EventPointerTests
{
    // RFC 6901, section 5.
    private const string Rfc = """
        {
          "foo": ["bar", "baz"],
          "": 0,
          "a/b": 1,
          "c%d": 2,
          "e^f": 3,
          "g|h": 4,
          "i\\j": 5,
          "k\"l": 6,
          " ": 7,
          "m~n": 8
        }
        """;

    [Theory]
    [InlineData("/foo", "[\"bar\", \"baz\"]")]
    [InlineData("/foo/0", "\"bar\"")]
    [InlineData("/foo/1", "\"baz\"")]
    [InlineData("/", "0")]
    [InlineData("/a~1b", "1")]
    [InlineData("/c%d", "2")]
    [InlineData("/e^f", "3")]
    [InlineData("/g|h", "4")]
    [InlineData("/i\\j", "5")]
    [InlineData("/k\"l", "6")]
    [InlineData("/ ", "7")]
    [InlineData("/m~0n", "8")]
    public void The_examples_of_RFC_6901_resolve(string pointer, string expected)
    {
        Assert.True(Resolve(Rfc, pointer, out var value));
        Assert.Equal(expected, value);
    }

    /// <summary>"" is the whole document in RFC 6901, but never a value a rule can use: it is refused when the file is read.</summary>
    [Fact]
    public void The_empty_pointer_is_refused()
    {
        Assert.Null(EventPointer.Parse("", out var problem));
        Assert.Contains("the whole event", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("foo", "must start with '/'")]
    [InlineData("#/foo", "must start with '/'")]
    [InlineData("/a~2b", "'~' must be followed by 0 or 1")]
    [InlineData("/a~", "'~' must be followed by 0 or 1")]
    [InlineData("/ok/~x", "'~' must be followed by 0 or 1")]
    public void A_text_that_is_not_a_pointer_is_refused(string text, string reason)
    {
        Assert.Null(EventPointer.Parse(text, out var problem));
        Assert.Contains(reason, problem, StringComparison.Ordinal);
    }

    /// <summary>~01 is '~' then '1' (not '/'): escapes are undone left to right, once.</summary>
    [Fact]
    public void Escapes_are_undone_once_left_to_right()
    {
        Assert.True(Resolve("""{"~1": "tilde-one", "/": "slash"}""", "/~01", out var value));
        Assert.Equal("\"tilde-one\"", value);
        Assert.True(Resolve("""{"~1": "tilde-one", "/": "slash"}""", "/~1", out value));
        Assert.Equal("\"slash\"", value);
    }

    [Theory]
    [InlineData("/a/0", true, "10")]
    [InlineData("/a/2", true, "12")]
    [InlineData("/a/3", false, null)]
    [InlineData("/a/-", false, null)]
    [InlineData("/a/01", false, null)]
    [InlineData("/a/00", false, null)]
    [InlineData("/a/-1", false, null)]
    [InlineData("/a/+1", false, null)]
    [InlineData("/a/1.0", false, null)]
    [InlineData("/a/ 1", false, null)]
    [InlineData("/a/", false, null)]
    [InlineData("/a/99999999999999999999", false, null)]
    [InlineData("/a/x", false, null)]
    [InlineData("/o/01", true, "\"zero-one\"")]
    [InlineData("/o/-", true, "\"dash\"")]
    public void Array_indexes_are_digits_without_a_leading_zero_and_within_the_array(string pointer, bool found, string? expected)
    {
        const string document = """{"a": [10, 11, 12], "o": {"01": "zero-one", "-": "dash"}}""";
        Assert.Equal(found, Resolve(document, pointer, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("/missing")]
    [InlineData("/s/x")]
    [InlineData("/n/0")]
    [InlineData("/nothing/deeper")]
    [InlineData("/S")]
    public void A_path_that_is_not_in_the_event_resolves_to_nothing(string pointer) =>
        Assert.False(Resolve("""{"s": "text", "n": 3, "nothing": null}""", pointer, out _));

    [Fact]
    public void A_pointer_to_null_finds_null()
    {
        Assert.True(Resolve("""{"nothing": null}""", "/nothing", out var value));
        Assert.Equal("null", value);
    }

    [Fact]
    public void Deep_paths_walk_objects_and_arrays()
    {
        Assert.True(Resolve("""{"items": [{"sku": "a"}, {"sku": "b", "tags": ["x", "y"]}]}""", "/items/1/tags/1", out var value));
        Assert.Equal("\"y\"", value);
    }

    [Fact]
    public void The_text_is_kept_as_written()
    {
        Assert.Equal("/a~1b/0", EventPointer.Parse("/a~1b/0", out _)!.Text);
        Assert.Equal("/a~1b/0", EventPointer.Parse("/a~1b/0", out _)!.ToString());
    }

    private static bool Resolve(string json, string pointer, out string? value)
    {
        var parsed = EventPointer.Parse(pointer, out var problem);
        Assert.True(parsed is not null, problem);
        using var document = JsonDocument.Parse(json);
        var found = parsed!.TryResolve(document.RootElement, out var element);
        value = found ? element.GetRawText() : null;
        return found;
    }
}
