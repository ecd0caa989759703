using System.Collections.Generic;
using System.Linq;
using Sculpt.Generators.Model;

namespace Sculpt.Generators.Shapes;

/// <summary>A parsed signature: one shape per input, then the output, e.g. <c>B 1 28 28 -&gt; B 10</c>.</summary>
internal sealed record Signature(EquatableArray<Shape> Inputs, Shape Output);

/// <summary>A problem in a signature string, with its span inside the string.</summary>
internal sealed record SignatureError(string Message, int Start, int Length);

/// <summary>
/// Parses the signature mini-language: inputs separated by commas, <c>-&gt;</c>, the output.
/// A dim is an integer, a name (a hyperparameter when the model's config has it, else a symbol)
/// or <c>*name</c> for any number of leading dims.
/// </summary>
internal static class SignatureParser
{
    public static (Signature? Signature, SignatureError? Error) Parse(string text, ICollection<string> hyperParameters)
    {
        int arrow = text.IndexOf("->", System.StringComparison.Ordinal);
        if (arrow < 0) return (null, new SignatureError("a signature needs '->' between the inputs and the output", 0, text.Length));
        if (text.IndexOf("->", arrow + 2, System.StringComparison.Ordinal) >= 0)
        {
            int second = text.IndexOf("->", arrow + 2, System.StringComparison.Ordinal);
            return (null, new SignatureError("a signature has exactly one '->'", second, 2));
        }

        var inputs = new List<Shape>();
        int start = 0;
        while (true)
        {
            int comma = text.IndexOf(',', start);
            int end = comma < 0 || comma > arrow ? arrow : comma;
            var (shape, error) = ParseShape(text, start, end, hyperParameters);
            if (error is not null) return (null, error);
            inputs.Add(shape!);
            if (end == arrow) break;
            start = end + 1;
        }
        var (output, outputError) = ParseShape(text, arrow + 2, text.Length, hyperParameters);
        if (outputError is not null) return (null, outputError);
        return (new Signature(inputs.ToEquatableArray(), output!), null);
    }

    /// <summary>Parses one shape between <paramref name="start"/> and <paramref name="end"/> of <paramref name="text"/>.</summary>
    public static (Shape? Shape, SignatureError? Error) ParseShape(string text, int start, int end, ICollection<string> hyperParameters)
    {
        var dims = new List<Dim>();
        int i = start;
        while (i < end)
        {
            char c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }
            int tokenStart = i;
            while (i < end && !char.IsWhiteSpace(text[i])) i++;
            string token = text.Substring(tokenStart, i - tokenStart);
            var dim = ParseDim(token, hyperParameters);
            if (dim is null) return (null, new SignatureError($"'{token}' is not a dim: use an integer, a name or *name", tokenStart, token.Length));
            if (dim.Kind == DimKind.Variadic && dims.Count > 0)
                return (null, new SignatureError($"'{token}' must be the first dim of its shape", tokenStart, token.Length));
            dims.Add(dim);
        }
        if (dims.Count == 0) return (null, new SignatureError("a shape needs at least one dim", start, System.Math.Max(0, end - start)));
        return (new Shape(dims.ToEquatableArray()), null);
    }

    private static Dim? ParseDim(string token, ICollection<string> hyperParameters)
    {
        if (token.All(char.IsDigit))
        {
            return long.TryParse(token, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long value) && value > 0
                ? Dim.Constant(value)
                : null;
        }
        bool variadic = token[0] == '*';
        string name = variadic ? token.Substring(1) : token;
        if (name.Length == 0 || !(char.IsLetter(name[0]) || name[0] == '_') || !name.All(ch => char.IsLetterOrDigit(ch) || ch == '_')) return null;
        if (variadic) return Dim.Variadic(name);
        return hyperParameters.Contains(name) ? Dim.HyperParameter(name, (hyperParameters as Parsing.HyperParameterSizes)?.Default(name)) : Dim.Symbol(name);
    }
}
