using System.Collections.Generic;
using System.Linq;
using Sculpt.Generators.Model;

namespace Sculpt.Generators.Shapes;

/// <summary>A parsed signature: one shape per input, then the output, e.g. <c>B 1 28 28 -&gt; B 10</c>.</summary>
/// <param name="Output">The result's shape; for a method returning a tuple, its first element's.</param>
internal sealed record Signature(EquatableArray<Shape> Inputs, Shape Output)
{
    /// <summary>One shape per result: several for a method that returns a tuple (<c>B 3 H W -&gt; B 10, B 4</c>).</summary>
    public EquatableArray<Shape> Outputs { get; init; } = new[] { Output }.ToEquatableArray();
}

/// <summary>A problem in a signature string, with its span inside the string.</summary>
internal sealed record SignatureError(string Message, int Start, int Length);

/// <summary>
/// Parses the signature mini-language: inputs separated by commas, <c>-&gt;</c>, the output.
/// A dim is an integer, a name (a hyperparameter when the model's config has it, else a symbol),
/// <c>*name</c> for any number of leading dims, or arithmetic of integers and names (<see cref="SizeExpression"/>).
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
        // Several results, separated by commas, for a method that returns a tuple.
        var outputs = new List<Shape>();
        start = arrow + 2;
        while (true)
        {
            int comma = text.IndexOf(',', start);
            int end = comma < 0 ? text.Length : comma;
            var (output, outputError) = ParseShape(text, start, end, hyperParameters);
            if (outputError is not null) return (null, outputError);
            outputs.Add(output!);
            if (comma < 0) break;
            start = comma + 1;
        }
        return (new Signature(inputs.ToEquatableArray(), outputs[0]) { Outputs = outputs.ToEquatableArray() }, null);
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
            i = DimEnd(text, i, end);
            while (char.IsWhiteSpace(text[i - 1])) i--;
            string token = text.Substring(tokenStart, i - tokenStart);
            var (dim, error) = ParseDim(token, hyperParameters);
            if (error is not null) return (null, error with { Start = tokenStart + error.Start });
            if (dim!.Kind == DimKind.Variadic && dims.Count > 0)
                return (null, new SignatureError($"'{token}' must be the first dim of its shape", tokenStart, token.Length));
            dims.Add(dim);
        }
        if (dims.Count == 0) return (null, new SignatureError("a shape needs at least one dim", start, System.Math.Max(0, end - start)));
        return (new Shape(dims.ToEquatableArray()), null);
    }

    /// <summary>
    /// Where the dim starting at <paramref name="i"/> ends. Dims are separated by spaces, except inside
    /// parentheses and around an operator (<c>Dim * 4</c> is one dim); <c>*name</c> after a space is a variadic.
    /// </summary>
    private static int DimEnd(string text, int i, int end)
    {
        int depth = 0;
        bool afterOperator = true;
        while (i < end)
        {
            char c = text[i];
            if (char.IsWhiteSpace(c))
            {
                if (depth > 0 || afterOperator)
                {
                    i++;
                    continue;
                }
                int next = i;
                while (next < end && char.IsWhiteSpace(text[next])) next++;
                // "Dim * 4" and "Dim + 1" continue; "B *batch" starts a variadic dim.
                bool joins = next < end && text[next] is '+' or '-' or '/' || next < end && text[next] == '*' && (next + 1 >= end || !char.IsLetter(text[next + 1]) && text[next + 1] != '_');
                if (!joins) return i;
                i = next;
                continue;
            }
            if (c == '(') depth++;
            else if (c == ')') depth--;
            afterOperator = c is '+' or '-' or '*' or '/' or '(';
            i++;
        }
        return i;
    }

    private static (Dim? Dim, SignatureError? Error) ParseDim(string token, ICollection<string> hyperParameters)
    {
        string Invalid() => $"'{token}' is not a dim: use an integer, a name, *name or arithmetic of those (Dim*4, T/2)";
        if (token.Length > 1 && token[0] == '*' && (char.IsLetter(token[1]) || token[1] == '_'))
        {
            string name = token.Substring(1);
            return name.All(ch => char.IsLetterOrDigit(ch) || ch == '_') ? (Dim.Variadic(name), null) : (null, new SignatureError(Invalid(), 0, token.Length));
        }
        if (token.All(char.IsDigit))
        {
            return long.TryParse(token, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long value) && value > 0
                ? (Dim.Constant(value), null)
                : (null, new SignatureError(Invalid(), 0, token.Length));
        }
        if (!SizeExpression.IsExpression(token) && !((char.IsLetter(token[0]) || token[0] == '_') && token.All(ch => char.IsLetterOrDigit(ch) || ch == '_')))
            return (null, new SignatureError(Invalid(), 0, token.Length));
        var (dim, error) = SizeExpression.Parse(token, name =>
            hyperParameters.Contains(name) ? Dim.HyperParameter(name, (hyperParameters as Parsing.HyperParameterSizes)?.Default(name)) : Dim.Symbol(name));
        // The whole dim is marked: "Hid-den" is more likely a name with a hyphen than a subtraction.
        return error is null ? (dim, null) : (null, new SignatureError($"'{token}' is not a dim: {error.Message}", 0, token.Length));
    }
}
