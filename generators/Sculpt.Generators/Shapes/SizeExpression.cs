using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Sculpt.Generators.Shapes;

/// <summary>
/// Sizes written as arithmetic (<c>Dim * 4</c>, <c>Dim / Heads</c>, <c>2*Hidden</c>, <c>T+1</c>): integers and
/// names under <c>+ - * /</c> and parentheses, as a layer's size argument or a dim of a signature.
/// Division rounds down, as the generated C# divides. A name is resolved by the caller: a hyperparameter
/// (carrying its default), a symbol where a signature allows one, or nothing, which is an error.
/// </summary>
internal static class SizeExpression
{
    /// <summary>Whether <paramref name="text"/> is more than a name or an integer, so it is read as an expression.</summary>
    public static bool IsExpression(string text) => text.IndexOfAny(['+', '-', '*', '/', '(', ')']) >= 0;

    /// <summary>The dim <paramref name="text"/> stands for, or why it stands for none (with the offending part's span).</summary>
    public static (Dim? Dim, SignatureError? Error) Parse(string text, Func<string, Dim?> resolve)
    {
        var parser = new Parser(text, resolve);
        var dim = parser.Sum();
        if (parser.Error is null && parser.Position < text.Length) parser.Fail($"'{text.Substring(parser.Position).Trim()}' does not continue the size", parser.Position, text.Length - parser.Position);
        if (parser.Error is null && dim.Kind == DimKind.Constant && dim.Value < 1) parser.Fail($"'{text.Trim()}' is {dim.Value}, not a size", 0, text.Length);
        return parser.Error is null ? (dim, null) : (null, parser.Error);
    }

    /// <summary>
    /// <paramref name="text"/> (already parsed without error) as a C# expression, each name written by
    /// <paramref name="name"/>: <c>Dim * 4</c> becomes <c>(config.Dim * 4)</c>, typed as the names are.
    /// </summary>
    public static string ToCSharp(string text, Func<string, string> name) =>
        "(" + Render(text, name, digits => digits, op => " " + op + " ") + ")";

    /// <summary><paramref name="text"/> with one space around each operator: how messages and flags quote it.</summary>
    public static string Normalize(string text) => Render(text, n => n, digits => digits, op => " " + op + " ");

    private static string Render(string text, Func<string, string> name, Func<string, string> number, Func<char, string> op)
    {
        var result = new StringBuilder();
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (char.IsDigit(c))
            {
                int start = i;
                while (i < text.Length && char.IsDigit(text[i])) i++;
                result.Append(number(text.Substring(start, i - start)));
            }
            else if (char.IsLetter(c) || c == '_')
            {
                int start = i;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_')) i++;
                result.Append(name(text.Substring(start, i - start)));
            }
            else
            {
                result.Append(c is '(' or ')' ? c.ToString() : op(c));
                i++;
            }
        }
        return result.ToString();
    }

    private sealed class Parser(string text, Func<string, Dim?> resolve)
    {
        public int Position;
        public SignatureError? Error;

        public void Fail(string message, int start, int length)
        {
            Error ??= new SignatureError(message, start, Math.Max(1, length));
        }

        private char Peek()
        {
            while (Position < text.Length && char.IsWhiteSpace(text[Position])) Position++;
            return Position < text.Length ? text[Position] : '\0';
        }

        public Dim Sum()
        {
            var terms = new List<Dim> { Term() };
            while (Error is null && Peek() is '+' or '-')
            {
                char op = text[Position];
                int at = Position++;
                var term = Term();
                if (Error is not null) break;
                if (op == '+') terms.Add(term);
                else if (term.Kind == DimKind.Constant) terms.Add(Dim.Constant(-term.Value));
                else Fail("only an integer can be subtracted from a size", at, Position - at);
            }
            if (Error is not null) return Dim.Unknown;
            return Dim.Sum(terms);
        }

        private Dim Term()
        {
            var value = Factor();
            while (Error is null && Peek() is '*' or '/')
            {
                char op = text[Position];
                int at = Position++;
                var right = Factor();
                if (Error is not null) break;
                if (op == '*')
                {
                    value = Dim.Product([value, right]);
                }
                else if (Dim.Quotient(value, right) is { } quotient)
                {
                    value = quotient;
                }
                else
                {
                    Fail("a size cannot be divided by 0", at, Position - at);
                }
            }
            return value;
        }

        private Dim Factor()
        {
            char c = Peek();
            int start = Position;
            if (c == '(')
            {
                Position++;
                var inner = Sum();
                if (Error is null && Peek() != ')') Fail("a '(' is not closed", start, 1);
                else Position++;
                return inner;
            }
            if (char.IsDigit(c))
            {
                while (Position < text.Length && char.IsDigit(text[Position])) Position++;
                if (long.TryParse(text.Substring(start, Position - start), NumberStyles.None, CultureInfo.InvariantCulture, out long value)) return Dim.Constant(value);
                Fail($"'{text.Substring(start, Position - start)}' is too large", start, Position - start);
                return Dim.Unknown;
            }
            if (char.IsLetter(c) || c == '_')
            {
                while (Position < text.Length && (char.IsLetterOrDigit(text[Position]) || text[Position] == '_')) Position++;
                string name = text.Substring(start, Position - start);
                if (resolve(name) is { } dim) return dim;
                Fail($"'{name}' is not a size here", start, name.Length);
                return Dim.Unknown;
            }
            Fail(c == '\0' ? "the size ends too early" : $"'{c}' cannot start a size", start, 1);
            return Dim.Unknown;
        }
    }
}
