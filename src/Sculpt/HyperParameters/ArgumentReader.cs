using System;
using System.Collections.Generic;
using System.Globalization;

namespace Sculpt.HyperParameters;

/// <summary>
/// Walks <c>--flag value</c>, <c>--flag=value</c> and bare boolean <c>--flag</c> arguments for
/// the generated <c>Bind</c>; every error names the flag and the value it got.
/// </summary>
public sealed class ArgumentReader(IReadOnlyList<string> args, IReadOnlyList<string> knownFlags)
{
    private int _next;
    private string _flag = "";
    private string? _inlineValue;

    /// <summary>The flag being read, e.g. <c>--hidden</c>.</summary>
    public string Flag => _flag;

    /// <summary>Moves to the next flag; false at the end.</summary>
    public bool Next(out string flag)
    {
        if (_next >= args.Count)
        {
            flag = "";
            return false;
        }
        string token = args[_next++];
        if (!token.StartsWith("--", StringComparison.Ordinal) || token.Length == 2)
        {
            throw new HyperParameterException($"Unexpected argument '{token}': options look like --name value. Run with --help to list them.");
        }
        int equals = token.IndexOf('=');
        _flag = equals < 0 ? token : token[..equals];
        _inlineValue = equals < 0 ? null : token[(equals + 1)..];
        flag = _flag;
        return true;
    }

    public int Int32() => int.TryParse(Value("an integer"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : throw Invalid("an integer");

    public long Int64() => long.TryParse(Value("an integer"), NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) ? v : throw Invalid("an integer");

    public double Double() => double.TryParse(Value("a number"), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) ? v : throw Invalid("a finite number");

    public float Single() => float.TryParse(Value("a number"), NumberStyles.Float, CultureInfo.InvariantCulture, out float v) && float.IsFinite(v) ? v : throw Invalid("a finite number");

    public string String() => Value("a value");

    public TEnum Enum<TEnum>() where TEnum : struct, System.Enum
    {
        string names = string.Join(", ", System.Enum.GetNames<TEnum>());
        string text = Value("one of " + names);
        return System.Enum.TryParse(text, ignoreCase: true, out TEnum v) && System.Enum.IsDefined(v) && !char.IsDigit(text[0])
            ? v
            : throw Invalid("one of " + names);
    }

    /// <summary>A bare flag means true; <c>--flag false</c> and <c>--flag=false</c> are read too.</summary>
    public bool Boolean()
    {
        string? text = _inlineValue;
        if (text is null && _next < args.Count && args[_next] is "true" or "false")
        {
            text = args[_next++];
        }
        return text switch
        {
            null or "true" => true,
            "false" => false,
            _ => throw Invalid("true or false", text),
        };
    }

    /// <summary>The error for a flag no option has, with the closest known flag as a suggestion.</summary>
    public HyperParameterException Unknown()
    {
        string? suggestion = Suggest(_flag, knownFlags);
        string hint = suggestion is null ? "" : $" Did you mean '{suggestion}'?";
        return new HyperParameterException($"Unknown option '{_flag}'.{hint} Run with --help to list the options.");
    }

    private string Value(string expected)
    {
        if (_inlineValue is not null) return _inlineValue;
        if (_next < args.Count && !args[_next].StartsWith("--", StringComparison.Ordinal)) return args[_next++];
        throw new HyperParameterException($"Option '{_flag}' expects {expected} but no value was given.");
    }

    private HyperParameterException Invalid(string expected, string? text = null)
    {
        text ??= _inlineValue ?? args[_next - 1];
        return new HyperParameterException($"Option '{_flag}' expects {expected}; got '{text}'.");
    }

    /// <summary>The known name within edit distance 2 of <paramref name="name"/>, if any.</summary>
    public static string? Suggest(string name, IEnumerable<string> known) => Sculpt.Text.EditDistance.Closest(name, known);
}
