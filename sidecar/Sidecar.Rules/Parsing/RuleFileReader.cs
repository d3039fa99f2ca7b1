using System.Globalization;
using System.Text;
using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Sidecar.Rules.Parsing;

/// <summary>
/// Reads a rules file's text into one JSON document: JSON as it is (comments and trailing commas
/// allowed), YAML by converting its tree (scalars typed by YAML 1.2's core schema: unquoted
/// numbers, true/false and null are those; quoted scalars are strings). Either way the rules are
/// checked by one compiler.
/// </summary>
internal static class RuleFileReader
{
    private static readonly JsonDocumentOptions JsonOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        MaxDepth = 32,
    };

    public static JsonElement? Read(string text, RuleFileFormat format, List<string> problems)
    {
        if (format == RuleFileFormat.Yaml)
        {
            if (YamlToJson(text, problems) is not { } json)
            {
                return null;
            }

            text = json;
        }

        try
        {
            using var document = JsonDocument.Parse(text, JsonOptions);
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            problems.Add($"not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): {e.Message}");
            return null;
        }
    }

    private static string? YamlToJson(string text, List<string> problems)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            problems.Add($"not valid YAML (line {e.Start.Line}, column {e.Start.Column}): {e.InnerException?.Message ?? e.Message}");
            return null;
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet's scanner throws this, with no position, on some truncated files (an
            // unclosed flow sequence at the end): a bad file is a problem to report, never a crash
            // of the node's reload or of `rules check`.
            problems.Add($"not valid YAML (it ends inside an unclosed [ ] or {{ }}?): {e.Message}");
            return null;
        }

        if (stream.Documents.Count != 1)
        {
            problems.Add($"a rules file holds one YAML document, not {stream.Documents.Count}");
            return null;
        }

        var output = new MemoryStream();
        using (var writer = new Utf8JsonWriter(output))
        {
            Write(writer, stream.Documents[0].RootNode, problems);
        }

        return problems.Count > 0 ? null : Encoding.UTF8.GetString(output.ToArray());
    }

    private static void Write(Utf8JsonWriter writer, YamlNode node, List<string> problems)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                writer.WriteStartObject();
                foreach (var (key, value) in mapping.Children)
                {
                    if (key is not YamlScalarNode { Value: { } name })
                    {
                        problems.Add($"line {key.Start.Line}: a key must be a plain name");
                        continue;
                    }

                    writer.WritePropertyName(name);
                    Write(writer, value, problems);
                }

                writer.WriteEndObject();
                break;
            case YamlSequenceNode sequence:
                writer.WriteStartArray();
                foreach (var item in sequence.Children)
                {
                    Write(writer, item, problems);
                }

                writer.WriteEndArray();
                break;
            case YamlScalarNode scalar:
                WriteScalar(writer, scalar);
                break;
            default:
                problems.Add($"line {node.Start.Line}: aliases and tags are not supported in a rules file");
                writer.WriteNullValue();
                break;
        }
    }

    private static void WriteScalar(Utf8JsonWriter writer, YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style is ScalarStyle.Plain)
        {
            switch (value)
            {
                case "" or "~" or "null" or "Null" or "NULL":
                    writer.WriteNullValue();
                    return;
                case "true" or "True" or "TRUE":
                    writer.WriteBooleanValue(true);
                    return;
                case "false" or "False" or "FALSE":
                    writer.WriteBooleanValue(false);
                    return;
            }

            if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
            {
                writer.WriteNumberValue(l);
                return;
            }

            if (value.Any(char.IsAsciiDigit) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
            {
                writer.WriteNumberValue(d);
                return;
            }
        }

        writer.WriteStringValue(value);
    }
}
