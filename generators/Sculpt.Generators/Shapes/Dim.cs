using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Sculpt.Generators.Model;

namespace Sculpt.Generators.Shapes;

internal enum DimKind
{
    /// <summary>A literal size such as 784.</summary>
    Constant,

    /// <summary>A name bound per call, such as B or T.</summary>
    Symbol,

    /// <summary>A hyperparameter of the model's config, such as Hidden; <see cref="Dim.Value"/> is its default where known, else 0.</summary>
    HyperParameter,

    /// <summary>Any number of leading dims, written <c>*batch</c>.</summary>
    Variadic,

    /// <summary>The product of <see cref="Dim.Factors"/>, from a flatten.</summary>
    Product,

    /// <summary>
    /// A sliding window's output over one dim (<see cref="Dim.Factors"/>[0]):
    /// <c>(n + Offset) / Stride + 1</c>, rounded down, with <see cref="Dim.Window"/> = (offset, stride).
    /// </summary>
    Window,

    /// <summary>Not known at compile time.</summary>
    Unknown,
}

/// <summary>One symbolic dim of a shape. Immutable and compared by value.</summary>
internal sealed record Dim(DimKind Kind, long Value, string Name, EquatableArray<Dim> Factors)
{
    public static Dim Constant(long value) => new(DimKind.Constant, value, "", EquatableArray<Dim>.Empty);

    public static Dim Symbol(string name) => new(DimKind.Symbol, 0, name, EquatableArray<Dim>.Empty);

    public static Dim HyperParameter(string name, long? defaultValue = null) => new(DimKind.HyperParameter, defaultValue ?? 0, name, EquatableArray<Dim>.Empty);

    /// <summary>
    /// The size under the hyperparameters' defaults: a constant, a hyperparameter with a known
    /// default, or a product of those; null when a symbol or an unknown takes part.
    /// </summary>
    public long? WithDefaults => Kind switch
    {
        DimKind.Constant => Value,
        DimKind.HyperParameter when Value > 0 => Value,
        DimKind.Product => Factors.Aggregate((long?)1, (product, factor) => product is { } p && factor.WithDefaults is { } f ? Multiply(p, f) : null),
        DimKind.Window => Factors[0].WithDefaults is { } n && n + Window[0] >= 0 ? (n + Window[0]) / Window[1] + 1 : null,
        _ => null,
    };

    /// <summary>The dim as messages name it: its <see cref="Text"/>, and its value under the defaults when that is not plain.</summary>
    public string Explained => Kind != DimKind.Constant && WithDefaults is { } value
        ? $"{Text} (= {value.ToString(CultureInfo.InvariantCulture)} with the defaults)"
        : Text;

    /// <summary><c>(H-1)/2+1</c>, <c>H/2</c> for a 2-wide pooling, <c>H-4</c> for a 5-wide unpadded convolution.</summary>
    private static string WindowText(string length, long offset, long stride)
    {
        string inner = length.Any(c => !char.IsLetterOrDigit(c) && c != '_') ? "(" + length + ")" : length;
        if (stride == 1) return offset + 1 == 0 ? inner : $"{inner}{(offset + 1 > 0 ? "+" : "")}{(offset + 1).ToString(CultureInfo.InvariantCulture)}";
        if (offset + stride == 0) return $"{inner}/{stride.ToString(CultureInfo.InvariantCulture)}";
        string shifted = offset == 0 ? inner : $"({inner}{(offset > 0 ? "+" : "")}{offset.ToString(CultureInfo.InvariantCulture)})";
        return $"{shifted}/{stride.ToString(CultureInfo.InvariantCulture)}+1";
    }

    private static long? Multiply(long a, long b)
    {
        long product = unchecked(a * b);
        return a != 0 && (product / a != b || product <= 0) ? null : product;
    }

    public static Dim Variadic(string name) => new(DimKind.Variadic, 0, name, EquatableArray<Dim>.Empty);

    public static readonly Dim Unknown = new(DimKind.Unknown, 0, "", EquatableArray<Dim>.Empty);

    /// <summary>For a <see cref="DimKind.Window"/>: the offset <c>2p - d(k-1) - 1</c> and the stride.</summary>
    public EquatableArray<long> Window { get; init; } = EquatableArray<long>.Empty;

    /// <summary>
    /// A window's output over <paramref name="length"/>: <c>(n + offset) / stride + 1</c> (offset
    /// <c>2p - d(k-1) - 1</c>); a constant when the length is one, the length itself when the window
    /// keeps it (stride 1, offset -1), else the expression, so sizes stay comparable.
    /// </summary>
    public static Dim Windowed(Dim length, long offset, long stride)
    {
        if (length.Kind == DimKind.Constant) return Constant((length.Value + offset) / stride + 1);
        if (stride == 1 && offset == -1) return length;
        if (length.Kind is DimKind.Unknown or DimKind.Variadic) return Unknown;
        return new Dim(DimKind.Window, 0, "", new[] { length }.ToEquatableArray()) { Window = new[] { offset, stride }.ToEquatableArray() };
    }

    /// <summary>The product of <paramref name="factors"/>, with constants folded (an empty product is 1).</summary>
    public static Dim Product(IEnumerable<Dim> factors)
    {
        long constant = 1;
        var rest = new List<Dim>();
        foreach (var factor in factors.SelectMany(f => f.Kind == DimKind.Product ? (IEnumerable<Dim>)f.Factors : new[] { f }))
        {
            if (factor.Kind == DimKind.Unknown || factor.Kind == DimKind.Variadic) return Unknown;
            if (factor.Kind == DimKind.Constant) constant *= factor.Value;
            else rest.Add(factor);
        }
        if (rest.Count == 0) return Constant(constant);
        if (constant != 1) rest.Insert(0, Constant(constant));
        return rest.Count == 1 ? rest[0] : new Dim(DimKind.Product, 0, "", rest.ToEquatableArray());
    }

    /// <summary>The dim as the signature language writes it: <c>784</c>, <c>B</c>, <c>*batch</c>, <c>C*H*W</c>, <c>?</c>.</summary>
    public string Text => Kind switch
    {
        DimKind.Constant => Value.ToString(CultureInfo.InvariantCulture),
        DimKind.Symbol or DimKind.HyperParameter => Name,
        DimKind.Variadic => "*" + Name,
        DimKind.Product => string.Join("*", Factors.Select(f => f.Kind == DimKind.Window ? "(" + f.Text + ")" : f.Text)),
        DimKind.Window => WindowText(Factors[0].Text, Window[0], Window[1]),
        _ => "?",
    };
}
