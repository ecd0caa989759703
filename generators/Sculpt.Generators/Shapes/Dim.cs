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

    /// <summary>
    /// A sliding window whose kernel, stride, padding or dilation is a hyperparameter (a block's <c>Stride</c>):
    /// <see cref="Dim.Factors"/> = [length, kernel, stride, padding, dilation], the output <c>(n + 2p - d(k-1) - 1) / s + 1</c>.
    /// Once every setting is a literal (a block instance's sizes) it becomes a <see cref="Window"/>.
    /// </summary>
    ConfiguredWindow,

    /// <summary>The sum of <see cref="Dim.Factors"/> (<c>Hidden+Extra</c>, from a size expression or a concatenation).</summary>
    Sum,

    /// <summary><see cref="Dim.Factors"/>[0] divided by <see cref="Dim.Factors"/>[1], rounded down as C# divides (<c>Dim/Heads</c>).</summary>
    Quotient,

    /// <summary>
    /// One of two dims by a condition over the model's hyperparameters (a block that keeps its input's size only with
    /// stride 1): <see cref="Dim.Factors"/> = [when true, otherwise], <see cref="Dim.Name"/> the condition as C# over <c>config</c>.
    /// A fixed size for one config, known only once the config is.
    /// </summary>
    Choice,

    /// <summary>
    /// The larger of <see cref="Dim.Factors"/>[0] and [1]: two sizes broadcast together where neither is known to be 1
    /// (equal when the program runs, or one of them 1), as a residual sum meets a window's output.
    /// </summary>
    Largest,

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
        DimKind.Largest => Factors[0].WithDefaults is { } a && Factors[1].WithDefaults is { } b ? System.Math.Max(a, b) : null,
        DimKind.ConfiguredWindow => Factors.Select(f => f.WithDefaults).ToList() is [{ } n, { } k, { } s and > 0, { } p, { } d]
            && n + 2 * p - d * (k - 1) - 1 >= 0 ? (n + 2 * p - d * (k - 1) - 1) / s + 1 : null,
        DimKind.Sum => Factors.Aggregate((long?)0, (sum, term) => sum is { } s && term.WithDefaults is { } t ? Add(s, t) : null),
        DimKind.Quotient => Factors[0].WithDefaults is { } n && Factors[1].WithDefaults is { } d and > 0 ? n / d : null,
        _ => null,
    };

    private static long? Add(long a, long b) => a > long.MaxValue - b ? null : a + b;

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
    /// This dim with each plain one (a symbol, a hyperparameter, ...) replaced by what <paramref name="leaf"/> gives, and
    /// arithmetic rebuilt around the replacements: a block's <c>H/2</c> under a binding of H, a hyperparameter under an instance's size.
    /// </summary>
    public Dim Rewrite(System.Func<Dim, Dim> leaf) => Kind switch
    {
        DimKind.Product => Product(Factors.Select(f => f.Rewrite(leaf))),
        DimKind.Sum => Sum(Factors.Select(f => f.Rewrite(leaf))),
        DimKind.Quotient => Quotient(Factors[0].Rewrite(leaf), Factors[1].Rewrite(leaf)) ?? Unknown,
        DimKind.Window => Windowed(Factors[0].Rewrite(leaf), Window[0], Window[1]),
        DimKind.ConfiguredWindow => Windowed(Factors[0].Rewrite(leaf), Factors[1].Rewrite(leaf), Factors[2].Rewrite(leaf), Factors[3].Rewrite(leaf), Factors[4].Rewrite(leaf)),
        DimKind.Choice => Choice(Name, Factors[0].Rewrite(leaf), Factors[1].Rewrite(leaf)),
        DimKind.Largest => Largest(Factors[0].Rewrite(leaf), Factors[1].Rewrite(leaf)),
        _ => leaf(this),
    };

    /// <summary>What two sizes broadcast to: the one that is not 1, or the larger; a literal where one is (it wins or they are equal).</summary>
    public static Dim Largest(Dim a, Dim b) =>
        a == b || b is { Kind: DimKind.Constant, Value: 1 } ? a
        : a is { Kind: DimKind.Constant, Value: 1 } ? b
        : a.Kind == DimKind.Constant ? a
        : b.Kind == DimKind.Constant ? b
        : a.Kind is DimKind.Unknown or DimKind.Variadic || b.Kind is DimKind.Unknown or DimKind.Variadic ? Unknown
        : new Dim(DimKind.Largest, 0, "", new[] { a, b }.ToEquatableArray());

    /// <summary><paramref name="whenTrue"/> where <paramref name="condition"/> (C# over <c>config</c>) holds, else <paramref name="otherwise"/>.</summary>
    public static Dim Choice(string condition, Dim whenTrue, Dim otherwise) =>
        whenTrue == otherwise ? whenTrue
        : whenTrue.Kind is DimKind.Unknown or DimKind.Variadic || otherwise.Kind is DimKind.Unknown or DimKind.Variadic ? Unknown
        : new Dim(DimKind.Choice, 0, condition, new[] { whenTrue, otherwise }.ToEquatableArray());

    /// <summary>
    /// A window whose settings are dims: the literal <see cref="Window"/> when they are all constants, the length split into
    /// whole windows (<c>H/Patch</c>) when the kernel is the stride with no padding or dilation, else a <see cref="DimKind.ConfiguredWindow"/>.
    /// </summary>
    public static Dim Windowed(Dim length, Dim kernel, Dim stride, Dim padding, Dim dilation)
    {
        Dim[] settings = [kernel, stride, padding, dilation];
        if (settings.All(d => d.Kind == DimKind.Constant))
        {
            if (stride.Value < 1) return Unknown;
            long offset = 2 * padding.Value - dilation.Value * (kernel.Value - 1) - 1;
            return length.Kind == DimKind.Constant && length.Value + offset < 0 ? Unknown : Windowed(length, offset, stride.Value);
        }
        if (settings.Prepend(length).Any(d => d.Kind is DimKind.Unknown or DimKind.Variadic)) return Unknown;
        if (kernel == stride && padding is { Kind: DimKind.Constant, Value: 0 } && dilation is { Kind: DimKind.Constant, Value: 1 }) return Quotient(length, stride) ?? Unknown;
        return new Dim(DimKind.ConfiguredWindow, 0, "", new[] { length, kernel, stride, padding, dilation }.ToEquatableArray());
    }

    /// <summary><c>(H+2*Padding-Kernel)/Stride+1</c>: the window's numerator with literal parts folded, over the stride.</summary>
    private static string ConfiguredWindowText(EquatableArray<Dim> factors)
    {
        var (length, kernel, stride, padding, dilation) = (factors[0], factors[1], factors[2], factors[3], factors[4]);
        static string Operand(Dim d) => d.Kind is DimKind.Constant or DimKind.Symbol or DimKind.HyperParameter ? d.Text : "(" + d.Text + ")";
        var terms = new List<string> { Operand(length) };
        long constant = -1;
        if (padding.Kind == DimKind.Constant) constant += 2 * padding.Value;
        else terms.Add("+2*" + Operand(padding));
        // d(k-1): with a literal dilation d, -d*K + d; with a literal kernel k, -(k-1)*D.
        if (dilation.Kind == DimKind.Constant && kernel.Kind == DimKind.Constant) constant -= dilation.Value * (kernel.Value - 1);
        else if (dilation.Kind == DimKind.Constant)
        {
            terms.Add("-" + (dilation.Value == 1 ? "" : dilation.Value.ToString(CultureInfo.InvariantCulture) + "*") + Operand(kernel));
            constant += dilation.Value;
        }
        else if (kernel.Kind == DimKind.Constant)
        {
            if (kernel.Value != 1) terms.Add("-" + (kernel.Value == 2 ? "" : (kernel.Value - 1).ToString(CultureInfo.InvariantCulture) + "*") + Operand(dilation));
        }
        else terms.Add($"-{Operand(dilation)}*({Operand(kernel)}-1)");
        bool unit = stride is { Kind: DimKind.Constant, Value: 1 };
        if (unit) constant += 1;
        if (constant != 0) terms.Add((constant > 0 ? "+" : "") + constant.ToString(CultureInfo.InvariantCulture));
        string numerator = string.Concat(terms);
        return unit ? numerator : $"({numerator})/{Operand(stride)}+1";
    }

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
        // A shift under a window is part of the window's offset: (n + a + 1 + b) / s + 1.
        if (length.Kind == DimKind.Window && length.Window[1] == 1) return Windowed(length.Factors[0], length.Window[0] + 1 + offset, stride);
        return new Dim(DimKind.Window, 0, "", new[] { length }.ToEquatableArray()) { Window = new[] { offset, stride }.ToEquatableArray() };
    }

    /// <summary>The sum of <paramref name="terms"/>, with constants folded into one last term.</summary>
    public static Dim Sum(IEnumerable<Dim> terms)
    {
        long constant = 0;
        var rest = new List<Dim>();
        foreach (var term in terms.SelectMany(t => t.Kind == DimKind.Sum ? (IEnumerable<Dim>)t.Factors : new[] { t }))
        {
            if (term.Kind == DimKind.Unknown || term.Kind == DimKind.Variadic) return Unknown;
            if (term.Kind == DimKind.Constant) constant += term.Value;
            else rest.Add(term);
        }
        if (rest.Count == 0) return Constant(constant);
        // Hidden+Hidden is 2*Hidden, as a concatenation of two copies is.
        rest = rest.GroupBy(t => t).Select(g => g.Count() == 1 ? g.Key : Product([Constant(g.Count()), g.Key])).ToList();
        // n + c is the stride-1 window with offset c - 1, so a shift compares equal however it was written.
        if (rest.Count == 1) return constant == 0 ? rest[0] : Windowed(rest[0], constant - 1, 1);
        var sum = new Dim(DimKind.Sum, 0, "", rest.ToEquatableArray());
        return constant == 0 ? sum : Windowed(sum, constant - 1, 1);
    }

    /// <summary>
    /// <paramref name="numerator"/> / <paramref name="denominator"/>, rounded down: over a literal it is the
    /// window <c>(n - c) / c + 1</c>, the same dim a stride-<c>c</c> pooling gives; null for a literal below 1.
    /// </summary>
    public static Dim? Quotient(Dim numerator, Dim denominator)
    {
        if (denominator.Kind == DimKind.Constant)
        {
            if (denominator.Value < 1) return null;
            if (denominator.Value == 1) return numerator;
            // 6*Hidden/2 is 3*Hidden exactly.
            if (numerator.Kind == DimKind.Product && numerator.Factors[0] is { Kind: DimKind.Constant } k && k.Value % denominator.Value == 0)
                return Product(numerator.Factors.Skip(1).Prepend(Constant(k.Value / denominator.Value)));
            return Windowed(numerator, -denominator.Value, denominator.Value);
        }
        if (numerator.Kind is DimKind.Unknown or DimKind.Variadic || denominator.Kind is DimKind.Unknown or DimKind.Variadic) return Unknown;
        return new Dim(DimKind.Quotient, 0, "", new[] { numerator, denominator }.ToEquatableArray());
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
        DimKind.Product => string.Join("*", Factors.Select(f => f.Kind is DimKind.Window or DimKind.ConfiguredWindow or DimKind.Sum or DimKind.Quotient or DimKind.Choice ? "(" + f.Text + ")" : f.Text)),
        DimKind.Window => WindowText(Factors[0].Text, Window[0], Window[1]),
        DimKind.ConfiguredWindow => ConfiguredWindowText(Factors),
        DimKind.Choice => $"{Factors[0].Text} or {Factors[1].Text}",
        DimKind.Largest => $"max({Factors[0].Text}, {Factors[1].Text})",
        DimKind.Sum => string.Join("+", Factors.Select(f => f.Kind == DimKind.Choice ? "(" + f.Text + ")" : f.Text)),
        DimKind.Quotient => string.Join("/", Factors.Select(f => f.Kind is DimKind.Constant or DimKind.Symbol or DimKind.HyperParameter ? f.Text : "(" + f.Text + ")")),
        _ => "?",
    };
}
