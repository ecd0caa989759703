using System;
using System.Collections.Generic;
using System.Linq;
using Sculpt.HyperParameters;

namespace Sculpt.Models;

/// <summary>
/// One dim of a shape as the declaration states it: a number, a hyperparameter (with its value),
/// a symbol bound per call such as <c>B</c>, or a product of those (from a flatten).
/// </summary>
public sealed class SymbolicDim
{
    private readonly long? _value;
    private readonly SymbolicDim[] _factors;

    private SymbolicDim(string text, long? value, string? symbol, SymbolicDim[] factors)
    {
        Text = text;
        _value = value;
        Symbol = symbol;
        _factors = factors;
    }

    /// <summary>How the declaration writes it, e.g. <c>Hidden</c> or <c>C*H*W</c>.</summary>
    public string Text { get; }

    /// <summary>The symbol this dim is, when it is a bare symbol.</summary>
    public string? Symbol { get; }

    public static SymbolicDim Constant(long value) => new(ValueText.Format(value), value, null, []);

    public static SymbolicDim HyperParameter(string name, long value) => new(name, value, null, []);

    public static SymbolicDim Of(string symbol) => new(symbol, null, symbol, []);

    /// <summary>A dim the generator could not infer.</summary>
    public static SymbolicDim Unknown { get; } = new("?", null, null, []);

    public static SymbolicDim Product(params SymbolicDim[] factors) =>
        new(string.Join("*", factors.Select(f => f._factors.Length > 0 ? "(" + f.Text + ")" : f.Text)), null, null, factors);

    /// <summary>
    /// A sliding window's output over <paramref name="length"/>: <c>(n + offset) / stride + 1</c>, rounded
    /// down; <paramref name="text"/> is how the generator writes it (<c>H/2</c>, <c>(H-1)/2+1</c>).
    /// </summary>
    public static SymbolicDim Window(SymbolicDim length, long offset, long stride, string text) =>
        new(text, null, null, [length]) { _window = (offset, stride) };

    /// <summary>The sum of <paramref name="terms"/> (<c>Hidden+Extra</c>).</summary>
    public static SymbolicDim Sum(params SymbolicDim[] terms) =>
        new(string.Join("+", terms.Select(t => t.Text)), null, null, terms) { _sum = true };

    /// <summary><paramref name="numerator"/> / <paramref name="denominator"/>, rounded down as C# divides (<c>Dim/Heads</c>).</summary>
    public static SymbolicDim Quotient(SymbolicDim numerator, SymbolicDim denominator) =>
        new(string.Join("/", new[] { numerator, denominator }.Select(f => f._factors.Length > 0 ? "(" + f.Text + ")" : f.Text)), null, null, [numerator, denominator]) { _quotient = true };

    /// <summary>
    /// <paramref name="whenTrue"/> or <paramref name="otherwise"/> as <paramref name="condition"/> (over the config the summary
    /// is made for) says: the size of a block that keeps its input's only with stride 1.
    /// </summary>
    public static SymbolicDim Choose(bool condition, SymbolicDim whenTrue, SymbolicDim otherwise, string text) =>
        new(text, null, null, [condition ? whenTrue : otherwise]) { _chosen = true };

    /// <summary>The larger of two sizes broadcast together (<c>max(H, (H-1)/Stride+1)</c>): the one that is not 1 when they differ.</summary>
    public static SymbolicDim Largest(SymbolicDim a, SymbolicDim b, string text) =>
        new(text, null, null, [a, b]) { _largest = true };

    private bool _largest;
    private bool _chosen;
    private (long Offset, long Stride)? _window;
    private bool _sum;
    private bool _quotient;

    /// <summary>The size, when every part of it is known from the config or <paramref name="sizes"/>.</summary>
    public long? Resolve(IReadOnlyDictionary<string, long> sizes)
    {
        if (_value is not null) return _value;
        if (Symbol is not null) return sizes.TryGetValue(Symbol, out long size) ? size : null;
        if (_factors.Length == 0) return null;
        if (_chosen) return _factors[0].Resolve(sizes);
        if (_largest) return _factors[0].Resolve(sizes) is { } a && _factors[1].Resolve(sizes) is { } b ? Math.Max(a, b) : null;
        if (_window is { } window)
        {
            // A stride below 1 comes only from a config the shape checks refuse; it has no size.
            return _factors[0].Resolve(sizes) is { } length && length + window.Offset >= 0 && window.Stride >= 1 ? (length + window.Offset) / window.Stride + 1 : null;
        }
        if (_quotient)
        {
            return _factors[0].Resolve(sizes) is { } numerator && _factors[1].Resolve(sizes) is { } denominator and > 0 ? numerator / denominator : null;
        }
        if (_sum)
        {
            long sum = 0;
            foreach (var term in _factors)
            {
                if (term.Resolve(sizes) is not { } value) return null;
                sum += value;
            }
            return sum;
        }
        long product = 1;
        foreach (var factor in _factors)
        {
            if (factor.Resolve(sizes) is not { } value) return null;
            product *= value;
        }
        return product;
    }

    public override string ToString() => Text;
}

/// <summary>One row of <see cref="ModelSummary"/>: a layer or op call, in forward order.</summary>
/// <param name="Name">The layer method, or the op for an <see cref="Ops"/> call.</param>
/// <param name="Kind">Linear, Dropout, ReLU, Flatten, ...</param>
/// <param name="Output">The output shape.</param>
/// <param name="Parameters">Trainable parameters of the layer (zero on repeated calls of a shared layer).</param>
public sealed record SummaryRow(string Name, string Kind, IReadOnlyList<SymbolicDim> Output, long Parameters)
{
    /// <summary>
    /// Multiply-accumulate operations of one forward call for the sizes the summary was made with:
    /// matrix products and convolutions count, elementwise work does not (as Keras and torchinfo
    /// count). Null when a size it needs is not known.
    /// </summary>
    public long? MultiplyAdds { get; init; }

    /// <summary>A row whose multiply-adds come from its concrete output shape, when every dim of it is known.</summary>
    public static SummaryRow Of(
        string name, string kind, IReadOnlyList<SymbolicDim> output, long parameters, IReadOnlyDictionary<string, long> sizes, Func<ConcreteShape, long?> multiplyAdds)
    {
        var dims = new long[output.Count];
        bool known = true;
        for (int i = 0; i < dims.Length && known; i++)
        {
            if (output[i].Resolve(sizes) is { } size) dims[i] = size;
            else known = false;
        }
        return new SummaryRow(name, kind, output, parameters) { MultiplyAdds = known ? multiplyAdds(new ConcreteShape(dims)) : null };
    }
}

/// <summary>A row's output shape in numbers, for counting its multiply-adds.</summary>
public readonly struct ConcreteShape(long[] dims)
{
    public int Length => dims.Length;

    public long this[int index] => dims[index];

    /// <summary>The number of elements.</summary>
    public long Elements => dims.Aggregate(1L, (product, dim) => product * dim);
}

/// <summary>A Keras-style layer table, computed from the declaration.</summary>
public sealed class ModelSummary(string model, string signature, IReadOnlyList<SummaryRow> rows, long totalParameters, IReadOnlyDictionary<string, long> sizes)
{
    public string Model { get; } = model;
    public string Signature { get; } = signature;
    public IReadOnlyList<SummaryRow> Rows { get; } = rows;
    public long TotalParameters { get; } = totalParameters;
    public IReadOnlyDictionary<string, long> Sizes { get; } = sizes;

    /// <summary>
    /// What the forward returns, as the generator inferred it from the body (a block's <c>(H+2*Padding-Kernel)/Stride+1</c>
    /// where its signature says only <c>P</c>); empty when it could not.
    /// </summary>
    public IReadOnlyList<SymbolicDim> Result { get; init; } = [];

    /// <summary>
    /// The sizes the rows were resolved with: those given, and what each sub-model call's result showed on the way
    /// (<c>Stage2.P</c>); null when nothing was added to the sizes given.
    /// </summary>
    public IReadOnlyDictionary<string, long>? Resolved { get; init; }

    /// <summary>The size of the result's dim <paramref name="fromEnd"/> from the end (1 = last), when known.</summary>
    public long? ResultSize(int fromEnd) => fromEnd >= 1 && fromEnd <= Result.Count ? Result[^fromEnd].Resolve(Known) : null;

    private IReadOnlyDictionary<string, long> Known => Resolved ?? Sizes;

    /// <summary>
    /// The blocks of a stage one after another: block <c>i</c> summarised with its input symbols (by position from the end)
    /// sized from block <c>i - 1</c>'s result, the first from <paramref name="first"/>. The last block's summary and the
    /// stage's multiply-adds, null when some block's are not known.
    /// </summary>
    public static (ModelSummary? Last, long? MultiplyAdds) Chain(
        long count, Func<int, IReadOnlyDictionary<string, long>, ModelSummary> block, IReadOnlyDictionary<string, long> first, params (string Symbol, int FromEnd)[] inputs)
    {
        ModelSummary? last = null;
        long? total = 0;
        var sizes = first;
        for (int i = 0; i < count; i++)
        {
            if (last is not null)
            {
                var next = new Dictionary<string, long>(sizes, StringComparer.Ordinal);
                foreach (var (symbol, fromEnd) in inputs)
                {
                    if (last.ResultSize(fromEnd) is { } size) next[symbol] = size;
                    else next.Remove(symbol);
                }
                sizes = next;
            }
            last = block(i, sizes);
            total = total is { } sum && last.TotalMultiplyAdds is { } adds ? sum + adds : null;
        }
        return (last, total);
    }

    /// <summary>Records in <paramref name="bound"/> the sizes a sub-model call's result shows, as <c>Call.P</c>.</summary>
    public static void BindResult(Dictionary<string, long> bound, string call, ModelSummary? summary, params (string Symbol, int FromEnd)[] symbols)
    {
        foreach (var (symbol, fromEnd) in symbols)
        {
            if (summary?.ResultSize(fromEnd) is { } size) bound[call + "." + symbol] = size;
            else bound.Remove(call + "." + symbol);
        }
    }

    /// <summary>The multiply-adds of one forward pass, when every row's are known.</summary>
    public long? TotalMultiplyAdds => Rows.All(r => r.MultiplyAdds is not null) ? Rows.Sum(r => r.MultiplyAdds!.Value) : null;

    /// <summary>The output shape of a row, e.g. <c>[B, 128]</c>.</summary>
    public static string Symbolic(SummaryRow row) => "[" + string.Join(", ", row.Output.Select(d => d.Text)) + "]";

    /// <summary>The output shape with known sizes filled in, e.g. <c>[32, 128]</c>.</summary>
    public string Concrete(SummaryRow row) =>
        "[" + string.Join(", ", row.Output.Select(d => d.Resolve(Known) is { } v ? ValueText.Format(v) : d.Text)) + "]";

    public override string ToString()
    {
        bool concrete = Rows.Any(r => Concrete(r) != Symbolic(r));
        bool counted = Rows.Any(r => r.MultiplyAdds is not null);
        var header = new List<string> { "layer", "kind", "output shape" };
        if (concrete) header.Add("concrete");
        header.Add("params");
        if (counted) header.Add("mult-adds");
        var table = new List<string[]> { header.ToArray() };
        foreach (var row in Rows)
        {
            var cells = new List<string> { row.Name, row.Kind, Symbolic(row) };
            if (concrete) cells.Add(Concrete(row));
            cells.Add(Number(row.Parameters));
            if (counted) cells.Add(row.MultiplyAdds is { } m ? Number(m) : "?");
            table.Add(cells.ToArray());
        }
        string sizes = Sizes.Count == 0 ? "" : " with " + string.Join(", ", Sizes.Select(s => $"{s.Key}={s.Value}"));
        string multiplyAdds = TotalMultiplyAdds is { } total ? $"multiply-adds per forward pass: {Number(total)}\n" : "";
        return $"{Model}: {Signature}{sizes}\n"
               + TextTable.Format(table)
               + $"total parameters: {Number(TotalParameters)}\n"
               + multiplyAdds;
    }

    private static string Number(long value) => value.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Turns the <c>(symbol, size)</c> pairs given to a generated <c>Summary</c> into a lookup.</summary>
    /// <summary>A sub-model's symbol sizes at one call, leaving out those that could not be resolved (its rows then stay unsized).</summary>
    public static IReadOnlyDictionary<string, long> Bind(params (string Symbol, long? Size)[] sizes)
    {
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (symbol, size) in sizes)
        {
            if (size is { } known) result[symbol] = known;
        }
        return result;
    }

    public static IReadOnlyDictionary<string, long> SizesFrom((string Symbol, long Size)[] sizes)
    {
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (symbol, size) in sizes)
        {
            if (size <= 0) throw new ArgumentOutOfRangeException(nameof(sizes), $"The size of '{symbol}' must be positive; got {size}.");
            result[symbol] = size;
        }
        return result;
    }
}
