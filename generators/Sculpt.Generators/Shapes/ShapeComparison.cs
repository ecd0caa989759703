using System.Collections.Generic;
using System.Linq;
using Sculpt.Generators.Model;

namespace Sculpt.Generators.Shapes;

/// <summary>
/// Decides when two shapes certainly differ. Only literal dims can disagree for sure: a symbol or
/// a hyperparameter may take any value at run time, so the comparison stays silent about them.
/// </summary>
internal static class ShapeComparison
{
    /// <summary>Why <paramref name="actual"/> cannot have the shape <paramref name="expected"/>, or null when it may.</summary>
    /// <param name="sameSymbols">Whether a symbol means the same size on both sides (a declared result and the body's, two operands),
    /// so <c>T-1</c> certainly is not <c>T</c>; in a layer's pattern a symbol matches anything.</param>
    public static string? Mismatch(Shape expected, Shape actual, bool sameSymbols = false)
    {
        bool open = expected.HasVariadic || actual.HasVariadic;
        var expectedDims = expected.Dims.Where(d => d.Kind != DimKind.Variadic).ToList();
        var actualDims = actual.Dims.Where(d => d.Kind != DimKind.Variadic).ToList();
        if (!open && expectedDims.Count != actualDims.Count)
        {
            return $"it has {Plural(actualDims.Count, "dim")}, not {expectedDims.Count}";
        }
        if (open && expected.HasVariadic && !actual.HasVariadic && actualDims.Count < expectedDims.Count)
        {
            return $"it has {Plural(actualDims.Count, "dim")}, fewer than {expectedDims.Count}";
        }
        // Align from the last dim, where variadic leading dims cannot interfere.
        int common = System.Math.Min(expectedDims.Count, actualDims.Count);
        for (int i = 1; i <= common; i++)
        {
            var e = expectedDims[expectedDims.Count - i];
            var a = actualDims[actualDims.Count - i];
            if (CertainlyDifferent(e, a) || sameSymbols && (Shifted(e, a) || Scaled(e, a)))
            {
                string where = i == 1 ? "the last dim" : open ? $"dim -{i}" : $"dim {actualDims.Count - i}";
                return $"{where} is {a.Explained}, not {e.Explained}";
            }
        }
        return null;
    }

    /// <summary>
    /// The aligned dims of two shapes whose agreement depends on hyperparameter values (a
    /// hyperparameter, or a product with one, facing a size that the config decides too), with where
    /// each sits: what a run's config must be checked against. Symbols and unknowns take no part.
    /// </summary>
    public static IEnumerable<(string Where, Dim Expected, Dim Actual)> ConfigDependent(Shape expected, Shape actual)
    {
        bool open = expected.HasVariadic || actual.HasVariadic;
        var expectedDims = expected.Dims.Where(d => d.Kind != DimKind.Variadic).ToList();
        var actualDims = actual.Dims.Where(d => d.Kind != DimKind.Variadic).ToList();
        int common = System.Math.Min(expectedDims.Count, actualDims.Count);
        for (int i = 1; i <= common; i++)
        {
            var e = expectedDims[expectedDims.Count - i];
            var a = actualDims[actualDims.Count - i];
            if (e == a || !ConfigDecided(e) || !ConfigDecided(a) || e.Kind == DimKind.Constant && a.Kind == DimKind.Constant) continue;
            yield return (i == 1 ? "the last dim" : open ? $"dim -{i}" : $"dim {actualDims.Count - i}", e, a);
        }
    }

    /// <summary>A literal, a hyperparameter, or a product of those: known once a config is.</summary>
    public static bool ConfigDecided(Dim dim) => dim.Kind switch
    {
        DimKind.Constant or DimKind.HyperParameter => true,
        DimKind.Product or DimKind.Sum or DimKind.Quotient or DimKind.ConfiguredWindow => dim.Factors.All(ConfigDecided),
        DimKind.Window => ConfigDecided(dim.Factors[0]),
        _ => false,
    };

    /// <summary>
    /// What a fit that is not certain depends on: each symbol of <paramref name="actual"/> (bound from
    /// a forward's inputs, like <c>T</c>) that meets a known size in <paramref name="expected"/>,
    /// as <c>T = 64</c>. Null when nothing does. Called once <see cref="Mismatch"/> found no certain
    /// error; a layer's own pattern symbols (<c>H</c>, <c>L</c>) match anything and never count.
    /// </summary>
    public static string? Condition(Shape expected, Shape actual)
    {
        var expectedDims = expected.Dims.Where(d => d.Kind != DimKind.Variadic).ToList();
        var actualDims = actual.Dims.Where(d => d.Kind != DimKind.Variadic).ToList();
        var conditions = new List<string>();
        int common = System.Math.Min(expectedDims.Count, actualDims.Count);
        for (int i = 1; i <= common; i++)
        {
            var e = expectedDims[expectedDims.Count - i];
            var a = actualDims[actualDims.Count - i];
            if ((a.Kind == DimKind.Symbol || OneSymbolTimes(a, e.WithDefaults)) && e.WithDefaults is not null)
            {
                string condition = $"{a.Text} = {e.Explained}";
                if (!conditions.Contains(condition)) conditions.Add(condition);
            }
        }
        return conditions.Count == 0 ? null : string.Join(" and ", conditions);
    }

    /// <summary>
    /// What a declared result depends on when the body's result has a known size where the declaration
    /// has a symbol bound by the inputs (<c>[20, 5]</c> returned for <c>[B, 5]</c>: only when B = 20), or
    /// the other way round (<see cref="Condition"/>). Null when nothing does.
    /// </summary>
    public static string? ResultCondition(Shape declared, Shape actual, ICollection<string> inputSymbols)
    {
        if (declared.HasVariadic || actual.HasVariadic || declared.Rank != actual.Rank) return Condition(declared, actual);
        var conditions = new List<string>();
        for (int i = 0; i < declared.Rank; i++)
        {
            var (e, a) = (declared.Dims[i], actual.Dims[i]);
            if (e.Kind == DimKind.Symbol && inputSymbols.Contains(e.Name) && a.WithDefaults is not null)
            {
                string condition = $"{e.Name} = {a.Explained}";
                if (!conditions.Contains(condition)) conditions.Add(condition);
            }
        }
        return conditions.Count > 0 ? string.Join(" and ", conditions) : Condition(declared, actual);
    }

    /// <summary>
    /// A multiple of one symbol of the inputs (<c>4*B</c>, after a reshape that wrote the batch in) that meets
    /// <paramref name="size"/> only for one value of the symbol above 1. One of 1 (a flatten of the batch into
    /// features) is the same mistake as the result it leads to, which is reported for certain.
    /// </summary>
    private static bool OneSymbolTimes(Dim dim, long? size) =>
        dim is { Kind: DimKind.Product, Factors: [{ Kind: DimKind.Constant } factor, { Kind: DimKind.Symbol }] }
        && size is { } s && s % factor.Value == 0 && s / factor.Value > 1;

    /// <summary>
    /// Whether two dims differ as declared: both literal, or sized by hyperparameters whose declared
    /// defaults give different numbers (the model fails with its defaults). The same hyperparameter
    /// on both sides never differs; a symbol or an unknown may be anything.
    /// </summary>
    public static bool CertainlyDifferent(Dim a, Dim b) =>
        a != b && a.WithDefaults is { } left && b.WithDefaults is { } right && left != right;

    /// <summary>Two whole shifts of one size (<c>T-1</c> and <c>T</c>, <c>T+2</c> and <c>T</c>), which never meet when the symbols are the same.</summary>
    private static bool Shifted(Dim a, Dim b) => Shift(a) is { } x && Shift(b) is { } y && x.Base == y.Base && x.By != y.By;

    /// <summary>Two different whole multiples of one size (<c>2*L</c> and <c>L</c>), which never meet for a size of at least 1.</summary>
    private static bool Scaled(Dim a, Dim b) => Scale(a) is var x && Scale(b) is var y && x.Base == y.Base && x.By != y.By && x.Base.Kind != DimKind.Unknown;

    /// <summary>A dim as a base times a whole factor: <c>2*L</c> is (L, 2), <c>L</c> is (L, 1).</summary>
    private static (Dim Base, long By) Scale(Dim dim) =>
        dim.Kind == DimKind.Product && dim.Factors[0] is { Kind: DimKind.Constant, Value: > 0 } factor
            ? (Dim.Product(dim.Factors.Skip(1)), factor.Value)
            : (dim, 1);

    /// <summary>A dim as a base plus a whole shift: <c>T-1</c> is (T, -1), <c>T</c> is (T, 0). Two shifts of one base never meet.</summary>
    private static (Dim Base, long By)? Shift(Dim dim) => dim.Kind switch
    {
        DimKind.Window when dim.Window[1] == 1 && dim.Factors[0].Kind is not DimKind.Unknown => (dim.Factors[0], dim.Window[0] + 1),
        DimKind.Symbol or DimKind.HyperParameter or DimKind.Product or DimKind.Sum or DimKind.Quotient => (dim, 0),
        _ => null,
    };

    /// <summary>The broadcast of two shapes, or an explanation of why they cannot broadcast.</summary>
    public static (Shape? Result, string? Problem) Broadcast(Shape? left, Shape? right)
    {
        if (left is null || right is null || left.HasVariadic || right.HasVariadic) return (null, null);
        int rank = System.Math.Max(left.Rank, right.Rank);
        var dims = new List<Dim>();
        for (int i = rank; i >= 1; i--)
        {
            Dim? l = i <= left.Rank ? left.Dims[left.Rank - i] : null;
            Dim? r = i <= right.Rank ? right.Dims[right.Rank - i] : null;
            if (l is null) dims.Add(r!);
            else if (r is null) dims.Add(l);
            else if (IsOne(l)) dims.Add(r);
            else if (IsOne(r) || l == r) dims.Add(l);
            else if (CertainlyDifferent(l, r) && l.WithDefaults != 1 && r.WithDefaults != 1 || Shifted(l, r)) return (null, $"dim -{i} is {l.Explained} on the left and {r.Explained} on the right; broadcasting needs them equal or one of them 1");
            else dims.Add(Dim.Largest(l, r));
        }
        return (new Shape(dims.ToEquatableArray()), null);
    }

    /// <summary>
    /// Two operands whose dims meet as a size and a strided window over that same size (an identity
    /// shortcut around a stride-2 block): they broadcast only for the smallest sizes. The condition, or null.
    /// </summary>
    public static string? BroadcastCondition(Shape? left, Shape? right)
    {
        if (left is null || right is null || left.HasVariadic || right.HasVariadic) return null;
        for (int i = 1; i <= System.Math.Min(left.Rank, right.Rank); i++)
        {
            var l = left.Dims[left.Rank - i];
            var r = right.Dims[right.Rank - i];
            // A symbol of the inputs facing a known size other than 1: [B, T] * [B, T, Hidden] aligns T with Hidden.
            var (symbol, known) = l.Kind == DimKind.Symbol ? (l, r) : (r, l);
            if (symbol.Kind == DimKind.Symbol && known.WithDefaults is { } size && size != 1)
            {
                return $"dim -{i} is {l.Explained} on the left and {r.Explained} on the right, so they broadcast only when {symbol.Name} = {known.Explained} or {symbol.Name} = 1";
            }
            var (window, plain) = l.Kind == DimKind.Window ? (l, r) : (r, l);
            if (window.Kind != DimKind.Window || window.Factors[0] != plain || window.Window[1] < 2) continue;
            // (n + offset) / s + 1 = n only while n(s - 1) <= offset + s.
            long largest = (window.Window[0] + window.Window[1]) / (window.Window[1] - 1);
            return $"dim -{i} is {l.Text} on the left and {r.Text} on the right: the stride of {window.Window[1]} shrinks it, so they agree only when {plain.Text} <= {System.Math.Max(largest, 0)}";
        }
        return null;
    }

    private static bool IsOne(Dim dim) => dim.Kind == DimKind.Constant && dim.Value == 1;

    private static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";
}
