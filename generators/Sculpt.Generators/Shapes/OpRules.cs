using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Sculpt.Generators.Model;

namespace Sculpt.Generators.Shapes;

/// <summary>The outcome of a shape rule: the output (null when unknown) or why the op cannot apply.</summary>
internal readonly record struct RuleResult(Shape? Output, string? Problem)
{
    public static RuleResult Unknown => new(null, null);

    public static RuleResult Of(IEnumerable<Dim> dims) => new(new Shape(dims.ToEquatableArray()), null);

    public static RuleResult Fail(string problem) => new(null, problem);
}

/// <summary>Shape rules of the <c>Sculpt.Ops</c> that move, combine or reduce dims.</summary>
internal static class OpRules
{
    public static RuleResult Reshape(Shape? input, IReadOnlyList<long> target)
    {
        if (target.Count(t => t == -1) > 1) return RuleResult.Fail("only one dim of a reshape can be -1");
        if (target.FirstOrDefault(t => t == 0 || t < -1) is var bad && target.Any(t => t == 0 || t < -1))
            return RuleResult.Fail($"{bad} is not a size: use a positive size or -1");
        long known = target.Where(t => t != -1).Aggregate(1L, (p, t) => p * t);
        var targetDims = target.Select(t => t == -1 ? Dim.Unknown : Dim.Constant(t)).ToList();
        if (input is null || input.HasVariadic) return RuleResult.Of(targetDims);

        var (constant, symbols) = Split(Dim.Product(input.Dims));
        if (symbols is null) return RuleResult.Of(targetDims);
        int inferred = target.ToList().IndexOf(-1);
        if (inferred < 0)
        {
            if (symbols.Count == 0 && constant != known)
                return RuleResult.Fail($"{input} has {constant} elements but the new shape holds {known}");
            return RuleResult.Of(targetDims);
        }
        if (constant % known == 0)
        {
            targetDims[inferred] = Dim.Product(new[] { Dim.Constant(constant / known) }.Concat(symbols));
            return RuleResult.Of(targetDims);
        }
        if (symbols.Count == 0) return RuleResult.Fail($"{input} has {constant} elements, which do not divide into parts of {known}");
        return RuleResult.Of(targetDims);
    }

    /// <summary>
    /// A reshape whose -1 must absorb a symbol's multiple that is no whole number of the rest
    /// (<c>Reshape(x, -1, 400)</c> of <c>[B, 16, 4, 4]</c>): it runs only for some sizes of the symbol,
    /// and then mixes samples. The condition, or null.
    /// </summary>
    public static string? ReshapeCondition(Shape? input, IReadOnlyList<long> target)
    {
        if (input is null || input.HasVariadic || target.Count(t => t == -1) != 1 || target.Any(t => t == 0 || t < -1)) return null;
        long known = target.Where(t => t != -1).Aggregate(1L, (p, t) => p * t);
        var (constant, symbols) = Split(Dim.Product(input.Dims));
        if (symbols is not { Count: > 0 } || constant % known == 0) return null;
        string perSample = string.Join("*", symbols.Select(d => d.Text));
        return $"-1 would take {perSample}*{constant}/{known} rows, so it runs only when {perSample}*{constant} is a multiple of {known}, and then mixes samples; the sizes after -1 would need to divide {constant}";
    }

    public static RuleResult Transpose(Shape? input, long first, long second)
    {
        if (input is null || input.HasVariadic) return RuleResult.Unknown;
        if (Normalize(first, input.Rank) is not { } a) return OutOfRange(first, input.Rank);
        if (Normalize(second, input.Rank) is not { } b) return OutOfRange(second, input.Rank);
        var dims = input.Dims.ToList();
        (dims[a], dims[b]) = (dims[b], dims[a]);
        return RuleResult.Of(dims);
    }

    public static RuleResult Permute(Shape? input, IReadOnlyList<long> order)
    {
        if (input is null || input.HasVariadic) return RuleResult.Unknown;
        if (order.Count != input.Rank) return RuleResult.Fail($"a permutation of a tensor with {input.Rank} dims lists {input.Rank} dims, not {order.Count}");
        var normalized = new List<int>();
        foreach (long dim in order)
        {
            if (Normalize(dim, input.Rank) is not { } d) return OutOfRange(dim, input.Rank);
            if (normalized.Contains(d)) return RuleResult.Fail($"dim {dim} appears twice in the permutation");
            normalized.Add(d);
        }
        return RuleResult.Of(normalized.Select(d => input.Dims[d]));
    }

    public static RuleResult MatMul(Shape? left, Shape? right)
    {
        if (left is null || right is null || left.HasVariadic || right.HasVariadic || left.Rank < 2 || right.Rank < 2) return RuleResult.Unknown;
        var k1 = left.Dims[left.Rank - 1];
        var k2 = right.Dims[right.Rank - 2];
        if (ShapeComparison.CertainlyDifferent(k1, k2))
            return RuleResult.Fail($"the left's last dim ({k1.Explained}) must equal the right's second-to-last ({k2.Explained})");
        var leftBatch = new Shape(left.Dims.Take(left.Rank - 2).ToEquatableArray());
        var rightBatch = new Shape(right.Dims.Take(right.Rank - 2).ToEquatableArray());
        IEnumerable<Dim> batch;
        if (leftBatch.Rank == 0) batch = rightBatch.Dims;
        else if (rightBatch.Rank == 0) batch = leftBatch.Dims;
        else
        {
            var (broadcast, problem) = ShapeComparison.Broadcast(leftBatch, rightBatch);
            if (problem is not null) return RuleResult.Fail("the batch dims cannot broadcast: " + problem);
            if (broadcast is null) return RuleResult.Unknown;
            batch = broadcast.Dims;
        }
        return RuleResult.Of(batch.Concat(new[] { left.Dims[left.Rank - 2], right.Dims[right.Rank - 1] }));
    }

    /// <summary>When a product's inner dims meet as a symbol of the inputs and a known size: what the fit depends on, else null.</summary>
    public static string? MatMulCondition(Shape? left, Shape? right)
    {
        if (left is null || right is null || left.HasVariadic || right.HasVariadic || left.Rank < 2 || right.Rank < 2) return null;
        var k1 = left.Dims[left.Rank - 1];
        var k2 = right.Dims[right.Rank - 2];
        if (ShapeComparison.CertainlyDifferent(k1, k2)) return null;
        var (symbol, size) = k1.Kind == DimKind.Symbol && k2.WithDefaults is not null ? (k1, k2)
            : k2.Kind == DimKind.Symbol && k1.WithDefaults is not null ? (k2, k1)
            : (null, null);
        return symbol is null
            ? null
            : $"the left's last dim ({k1.Explained}) meets the right's second-to-last ({k2.Explained}), so it multiplies only when {symbol.Name} = {size!.Explained}";
    }

    public static RuleResult Concat(long dim, IReadOnlyList<Shape?> inputs)
    {
        if (inputs.Count == 0 || inputs.Any(i => i is null || i.HasVariadic)) return RuleResult.Unknown;
        var first = inputs[0]!;
        if (inputs.FirstOrDefault(i => i!.Rank != first.Rank) is { } other)
            return RuleResult.Fail($"all inputs need the same number of dims, but {first} has {first.Rank} and {other} has {other.Rank}");
        if (Normalize(dim, first.Rank) is not { } d) return OutOfRange(dim, first.Rank);
        for (int i = 0; i < first.Rank; i++)
        {
            if (i == d) continue;
            foreach (var input in inputs.Skip(1))
            {
                if (ShapeComparison.CertainlyDifferent(first.Dims[i], input!.Dims[i]))
                    return RuleResult.Fail($"dim {i} is {first.Dims[i].Explained} in {first} but {input.Dims[i].Explained} in {input}; only dim {dim} may differ");
            }
        }
        var along = inputs.Select(i => i!.Dims[d]).ToList();
        // Copies of one size (two towers of Hidden units) are a multiple of it; other sizes add up (Hidden+Extra).
        var joined = along.All(a => a == along[0] && a.Kind is DimKind.HyperParameter or DimKind.Symbol or DimKind.Product) ? Dim.Product([Dim.Constant(along.Count), along[0]])
            : Dim.Sum(along);
        return RuleResult.Of(first.Dims.Select((x, i) => i == d ? joined : x));
    }

    public static RuleResult Stack(long dim, IReadOnlyList<Shape?> inputs)
    {
        if (inputs.Count == 0 || inputs.Any(i => i is null || i.HasVariadic)) return RuleResult.Unknown;
        var first = inputs[0]!;
        foreach (var input in inputs.Skip(1))
        {
            if (ShapeComparison.Mismatch(first, input!) is { } reason)
                return RuleResult.Fail($"stacked tensors must have one shape, but {input} differs from {first}: {reason}");
        }
        if (Normalize(dim, first.Rank + 1) is not { } d) return OutOfRange(dim, first.Rank + 1);
        var dims = first.Dims.ToList();
        dims.Insert(d, Dim.Constant(inputs.Count));
        return RuleResult.Of(dims);
    }

    public static RuleResult Reduce(Shape? input, long dim, bool keepDim)
    {
        if (input is null || input.HasVariadic) return RuleResult.Unknown;
        if (Normalize(dim, input.Rank) is not { } d) return OutOfRange(dim, input.Rank);
        return RuleResult.Of(keepDim
            ? input.Dims.Select((x, i) => i == d ? Dim.Constant(1) : x)
            : input.Dims.Where((_, i) => i != d));
    }

    /// <summary>One slice along <paramref name="dim"/>: the dim goes; a literal index must lie inside it.</summary>
    public static RuleResult Select(Shape? input, long dim, long index)
    {
        if (input is null || input.HasVariadic) return RuleResult.Unknown;
        if (Normalize(dim, input.Rank) is not { } d) return OutOfRange(dim, input.Rank);
        var size = input.Dims[d];
        if (size.Kind == DimKind.Constant && (index >= size.Value || index < -size.Value))
            return RuleResult.Fail($"index {index} is outside dim {dim}, which has {size.Value} {(size.Value == 1 ? "entry" : "entries")}");
        return RuleResult.Of(input.Dims.Where((_, i) => i != d));
    }

    /// <summary>A <c>[1, ...]</c> token repeated along <paramref name="like"/>'s batch: <c>[B, ...]</c>.</summary>
    public static RuleResult ExpandBatch(Shape? token, Shape? like)
    {
        if (token is null || like is null || token.HasVariadic || like.HasVariadic) return RuleResult.Unknown;
        if (token.Rank == 0 || like.Rank == 0) return RuleResult.Fail("both need a first dim");
        if (token.Dims[0].WithDefaults is { } first && first != 1) return RuleResult.Fail($"the token's first dim is {token.Dims[0].Explained}, not 1");
        return RuleResult.Of(token.Dims.Select((d, i) => i == 0 ? like.Dims[0] : d));
    }

    /// <summary>A new dim of size 1 at <paramref name="dim"/> (counted in the result, as PyTorch does).</summary>
    public static RuleResult Unsqueeze(Shape? input, long dim)
    {
        if (input is null || input.HasVariadic) return RuleResult.Unknown;
        if (Normalize(dim, input.Rank + 1) is not { } d) return OutOfRange(dim, input.Rank + 1);
        var dims = input.Dims.ToList();
        dims.Insert(d, Dim.Constant(1));
        return RuleResult.Of(dims);
    }

    /// <summary>Removes <paramref name="dim"/>, which must be 1: a literal other size is an error, a symbol a condition.</summary>
    public static RuleResult Squeeze(Shape? input, long dim)
    {
        if (input is null || input.HasVariadic) return RuleResult.Unknown;
        if (Normalize(dim, input.Rank) is not { } d) return OutOfRange(dim, input.Rank);
        var size = input.Dims[d];
        if (size.WithDefaults is { } value && value != 1) return RuleResult.Fail($"dim {dim} is {size.Explained}, not 1");
        return RuleResult.Of(input.Dims.Where((_, i) => i != d));
    }

    /// <summary><paramref name="length"/> entries of <paramref name="dim"/> from <paramref name="start"/>; they must lie inside a known size.</summary>
    public static RuleResult Narrow(Shape? input, long dim, long start, long length)
    {
        if (input is null || input.HasVariadic) return RuleResult.Unknown;
        if (Normalize(dim, input.Rank) is not { } d) return OutOfRange(dim, input.Rank);
        var size = input.Dims[d];
        if (start < 0 || length < 0 || size.WithDefaults is { } value && start + length > value)
            return RuleResult.Fail($"entries {start}..{start + length} are outside dim {dim}, which is {size.Explained}");
        return RuleResult.Of(input.Dims.Select((x, i) => i == d ? Dim.Constant(length) : x));
    }

    /// <summary>
    /// <c>Ops.Chunk</c>: the parts' shapes, each dim <paramref name="dim"/> of size ceil(n / chunks) but the last (PyTorch's
    /// rule); for a size known only as a multiple of the count (<c>2*Dim</c> in 2), each part is the quotient; otherwise unknown.
    /// </summary>
    public static (IReadOnlyList<Shape?>? Parts, string? Problem) Chunk(Shape? input, long chunks, long dim)
    {
        if (input is null || input.HasVariadic) return (null, null);
        if (chunks < 1) return (null, "the chunk count must be at least 1");
        // Counts past any real model's (and past Ops.Chunk's int) leave the parts unknown rather than listing them.
        if (chunks > MaxParts) return (null, null);
        if (Normalize(dim, input.Rank) is not { } d) return (null, $"dim {dim} is out of range for {input.Rank} dims");
        var size = input.Dims[d];
        Shape With(Dim part) => new(input.Dims.Select((x, i) => i == d ? part : x).ToEquatableArray());
        if (size.Kind == DimKind.Constant)
        {
            long each = (size.Value + chunks - 1) / chunks;
            if (each == 0) return (new Shape?[] { With(Dim.Constant(0)) }, null);
            var parts = new List<Shape?>();
            for (long start = 0; start < size.Value; start += each) parts.Add(With(Dim.Constant(System.Math.Min(each, size.Value - start))));
            return (parts, null);
        }
        var quotient = size.Kind == DimKind.Product && size.Factors.Any(f => f.Kind == DimKind.Constant && f.Value % chunks == 0)
            ? Dim.Quotient(size, Dim.Constant(chunks)) : null;
        return (Enumerable.Repeat<Shape?>(quotient is null ? null : With(quotient), (int)chunks).ToList(), null);
    }

    /// <summary>The most parts a Chunk's shapes are listed for.</summary>
    private const long MaxParts = 4096;

    /// <summary><c>Ops.Split</c>: one part per size; the sizes must add up to the dim where it is known.</summary>
    public static (IReadOnlyList<Shape?>? Parts, string? Problem) Split(Shape? input, long dim, IReadOnlyList<long> sizes)
    {
        if (input is null || input.HasVariadic) return (null, null);
        if (Normalize(dim, input.Rank) is not { } d) return (null, $"dim {dim} is out of range for {input.Rank} dims");
        var size = input.Dims[d];
        long total = sizes.Sum();
        if (sizes.Count == 0 || sizes.Any(s => s < 0)) return (null, "the sizes must be at least one, none negative");
        if (size.WithDefaults is { } value && value != total)
            return (null, $"the sizes add up to {total}, but dim {dim} is {size.Explained}");
        return (sizes.Select(s => (Shape?)new Shape(input.Dims.Select((x, i) => i == d ? Dim.Constant(s) : x).ToEquatableArray())).ToList(), null);
    }

    /// <summary>Zero padding of the last dim by <paramref name="before"/> and <paramref name="after"/>: <c>T</c> becomes <c>T+before+after</c>.</summary>
    public static RuleResult Pad(Shape? input, long before, long after)
    {
        if (input is null || input.Rank == 0) return RuleResult.Unknown;
        var last = input.Dims[input.Rank - 1];
        return RuleResult.Of(input.Dims.Take(input.Rank - 1).Append(Dim.Sum([last, Dim.Constant(before + after)])));
    }

    /// <summary>The positions of a batch of sequences <c>[B, T, ...]</c>: <c>[T]</c>.</summary>
    public static RuleResult Positions(Shape? input)
    {
        if (input is null || input.HasVariadic) return RuleResult.Unknown;
        return input.Rank < 2 ? RuleResult.Fail($"a tensor with {input.Rank} dims has no time dim 1") : RuleResult.Of(new[] { input.Dims[1] });
    }

    public static RuleResult Softmax(Shape? input, long dim)
    {
        if (input is null || input.HasVariadic) return new RuleResult(input, null);
        return Normalize(dim, input.Rank) is null ? OutOfRange(dim, input.Rank) : new RuleResult(input, null);
    }

    private static int? Normalize(long dim, int rank)
    {
        long d = dim < 0 ? dim + rank : dim;
        return d >= 0 && d < rank ? (int)d : null;
    }

    private static RuleResult OutOfRange(long dim, int rank) =>
        RuleResult.Fail($"dim {dim.ToString(CultureInfo.InvariantCulture)} is out of range for a tensor with {rank} dims");

    /// <summary>A product as its constant factor and its symbolic factors; null symbols when a factor is unknown.</summary>
    private static (long Constant, List<Dim>? Symbols) Split(Dim product) => product.Kind switch
    {
        DimKind.Constant => (product.Value, new List<Dim>()),
        DimKind.Symbol or DimKind.HyperParameter => (1, new List<Dim> { product }),
        DimKind.Product => (
            product.Factors.Where(f => f.Kind == DimKind.Constant).Aggregate(1L, (p, f) => p * f.Value),
            product.Factors.Where(f => f.Kind != DimKind.Constant).ToList()),
        _ => (1, null),
    };
}
