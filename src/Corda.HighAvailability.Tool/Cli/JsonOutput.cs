using System.Text.Encodings.Web;
using System.Text.Json;

namespace Corda.HighAvailability.Tool.Cli;

/// <summary>Writes one JSON object to stdout; the writer API keeps the tool free of reflection-based serialization.</summary>
internal static class JsonOutput
{
    public static void Write(Action<Utf8JsonWriter> body, bool indented = true)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        Console.Out.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
        Console.Out.Flush();
    }

    public static void WriteStringOrNull(this Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }
}
