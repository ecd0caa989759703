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

    /// <summary>The size, when every part of it is known from the config or <paramref name="sizes"/>.</summary>
    public long? Resolve(IReadOnlyDictionary<string, long> sizes)
    {
        if (_value is not null) return _value;
        if (Symbol is not null) return sizes.TryGetValue(Symbol, out long size) ? size : null;
        if (_factors.Length == 0) return null;
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
public sealed record SummaryRow(string Name, string Kind, IReadOnlyList<SymbolicDim> Output, long Parameters);

/// <summary>A Keras-style layer table, computed from the declaration.</summary>
public sealed class ModelSummary(string model, string signature, IReadOnlyList<SummaryRow> rows, long totalParameters, IReadOnlyDictionary<string, long> sizes)
{
    public string Model { get; } = model;
    public string Signature { get; } = signature;
    public IReadOnlyList<SummaryRow> Rows { get; } = rows;
    public long TotalParameters { get; } = totalParameters;
    public IReadOnlyDictionary<string, long> Sizes { get; } = sizes;

    /// <summary>The output shape of a row, e.g. <c>[B, 128]</c>.</summary>
    public static string Symbolic(SummaryRow row) => "[" + string.Join(", ", row.Output.Select(d => d.Text)) + "]";

    /// <summary>The output shape with known sizes filled in, e.g. <c>[32, 128]</c>.</summary>
    public string Concrete(SummaryRow row) =>
        "[" + string.Join(", ", row.Output.Select(d => d.Resolve(Sizes) is { } v ? ValueText.Format(v) : d.Text)) + "]";

    public override string ToString()
    {
        bool concrete = Rows.Any(r => Concrete(r) != Symbolic(r));
        var table = new List<string[]>
        {
            concrete ? new[] { "layer", "kind", "output shape", "concrete", "params" } : new[] { "layer", "kind", "output shape", "params" },
        };
        foreach (var row in Rows)
        {
            string parameters = row.Parameters == 0 ? "0" : row.Parameters.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
            table.Add(concrete
                ? new[] { row.Name, row.Kind, Symbolic(row), Concrete(row), parameters }
                : new[] { row.Name, row.Kind, Symbolic(row), parameters });
        }
        string sizes = Sizes.Count == 0 ? "" : " with " + string.Join(", ", Sizes.Select(s => $"{s.Key}={s.Value}"));
        return $"{Model}: {Signature}{sizes}\n"
               + TextTable.Format(table)
               + $"total parameters: {TotalParameters.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)}\n";
    }

    /// <summary>Turns the <c>(symbol, size)</c> pairs given to a generated <c>Summary</c> into a lookup.</summary>
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
