using System;
using System.Collections.Generic;
using System.Text.Json;

namespace Sculpt.HyperParameters;

/// <summary>
/// Reads a hyperparameter JSON object for the generated <c>FromJson</c>, without reflection.
/// Errors name the source file and the property.
/// </summary>
public sealed class JsonConfigReader : IDisposable
{
    private readonly JsonDocument _document;
    private readonly string _source;

    private JsonConfigReader(JsonDocument document, string source)
    {
        _document = document;
        _source = source;
    }

    public static JsonConfigReader Open(string json, string source)
    {
        try
        {
            var document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                throw new HyperParameterException($"{source}: expected a JSON object of hyperparameters.");
            }
            return new JsonConfigReader(document, source);
        }
        catch (JsonException error)
        {
            // The parser's message ends with its own 0-based "LineNumber: 2 | BytePositionInLine: 17.", said here as file:line:column.
            string message = error.Message;
            int position = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            if (position > 0) message = message[..position];
            throw new HyperParameterException($"{source}:{error.LineNumber + 1}:{error.BytePositionInLine + 1}: invalid JSON: {message.Trim()} Fix the file, or drop --config.", error);
        }
    }

    public IEnumerable<JsonConfigProperty> Properties()
    {
        foreach (var property in _document.RootElement.EnumerateObject())
        {
            yield return new JsonConfigProperty(property, _source);
        }
    }

    public void Dispose() => _document.Dispose();
}

/// <summary>One property of a hyperparameter JSON object.</summary>
public readonly struct JsonConfigProperty(JsonProperty property, string source)
{
    public string Name => property.Name;

    public int Int32() => property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetInt32(out int v) ? v : throw Invalid("an integer");

    public long Int64() => property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetInt64(out long v) ? v : throw Invalid("an integer");

    public double Double() => property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetDouble(out double v) ? v : throw Invalid("a number");

    public float Single() => property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetSingle(out float v) ? v : throw Invalid("a number");

    public bool Boolean() => property.Value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw Invalid("true or false"),
    };

    /// <summary>A string, or null where <c>ToJson</c> wrote a null string.</summary>
    public string String() => property.Value.ValueKind switch
    {
        JsonValueKind.String => property.Value.GetString()!,
        JsonValueKind.Null => null!,
        _ => throw Invalid("a string"),
    };

    public TEnum Enum<TEnum>() where TEnum : struct, System.Enum =>
        property.Value.ValueKind == JsonValueKind.String && System.Enum.TryParse(property.Value.GetString(), ignoreCase: true, out TEnum v) && System.Enum.IsDefined(v)
            ? v
            : throw Invalid("one of " + string.Join(", ", System.Enum.GetNames<TEnum>()));

    public HyperParameterException Unknown(IReadOnlyList<string> known)
    {
        string? suggestion = ArgumentReader.Suggest(Name, known);
        string hint = suggestion is null ? "" : $" Did you mean '{suggestion}'?";
        return new HyperParameterException($"{source}: unknown hyperparameter '{Name}'.{hint}");
    }

    private HyperParameterException Invalid(string expected) =>
        new($"{source}: '{Name}' must be {expected}; got {property.Value.GetRawText()}.");
}
