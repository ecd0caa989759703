using System.Collections.Generic;
using System;
using System.Linq;
using Sculpt.Models;
using TorchSharp;

namespace Sculpt;

/// <summary>
/// Parameter-free operations for forward bodies. Each has a shape rule the generator knows, so a
/// call shows up in <c>Summary()</c> with its output shape. Where the operands' shapes decide
/// whether the op can run, they are checked before the native call and a mismatch throws
/// <see cref="ShapeMismatchException"/> naming every shape: libtorch aborts the whole process on
/// some of these errors (a <c>matmul</c> mismatch, for one) instead of raising an exception.
/// </summary>
public static class Ops
{
    /// <summary>max(x, 0), elementwise; shape unchanged.</summary>
    public static torch.Tensor Relu(torch.Tensor x) => torch.nn.functional.relu(x);

    /// <summary>Gaussian error linear unit (exact, erf-based), elementwise; shape unchanged.</summary>
    public static torch.Tensor Gelu(torch.Tensor x) => torch.nn.functional.gelu(x);

    /// <summary>Hyperbolic tangent, elementwise; shape unchanged.</summary>
    public static torch.Tensor Tanh(torch.Tensor x) => torch.tanh(x);

    /// <summary>Logistic sigmoid, elementwise; shape unchanged.</summary>
    public static torch.Tensor Sigmoid(torch.Tensor x) => torch.sigmoid(x);

    /// <summary><c>x * sigmoid(x)</c> (swish), elementwise; shape unchanged.</summary>
    public static torch.Tensor Silu(torch.Tensor x) => torch.nn.functional.silu(x);

    /// <summary>min(max(x, 0), 6), elementwise; shape unchanged.</summary>
    public static torch.Tensor Relu6(torch.Tensor x) => torch.nn.functional.relu6(x);

    /// <summary>x for x &gt;= 0 and <c>negativeSlope * x</c> below, elementwise; shape unchanged.</summary>
    public static torch.Tensor LeakyRelu(torch.Tensor x, double negativeSlope = 0.01) => torch.nn.functional.leaky_relu(x, negativeSlope);

    /// <summary>x for x &gt; 0 and <c>alpha * (exp(x) - 1)</c> below, elementwise; shape unchanged.</summary>
    public static torch.Tensor Elu(torch.Tensor x, double alpha = 1.0) => torch.nn.functional.elu(x, alpha);

    /// <summary><c>x * tanh(softplus(x))</c>, elementwise; shape unchanged.</summary>
    public static torch.Tensor Mish(torch.Tensor x) => torch.nn.functional.mish(x);

    /// <summary><c>x * relu6(x + 3) / 6</c>, elementwise; shape unchanged.</summary>
    public static torch.Tensor Hardswish(torch.Tensor x) => torch.nn.functional.hardswish(x);

    /// <summary><c>relu6(x + 3) / 6</c>, elementwise; shape unchanged.</summary>
    public static torch.Tensor Hardsigmoid(torch.Tensor x) => torch.nn.functional.hardsigmoid(x);

    /// <summary><c>log(1 + exp(beta * x)) / beta</c>, elementwise; shape unchanged.</summary>
    public static torch.Tensor Softplus(torch.Tensor x, double beta = 1.0) => torch.nn.functional.softplus(x, beta);

    /// <summary>Merges dims <paramref name="startDim"/>..<paramref name="endDim"/> into one: <c>[B, C, H, W] -&gt; [B, C*H*W]</c>.</summary>
    public static torch.Tensor Flatten(torch.Tensor x, long startDim = 1, long endDim = -1)
    {
        const string Op = "Ops.Flatten";
        string rule = $"flattening dims {startDim} to {endDim}";
        long rank = Math.Max(x.dim(), 1);
        long start = Dim(Op, rule, x, startDim, rank, "start dim"), end = Dim(Op, rule, x, endDim, rank, "end dim");
        if (start > end) throw ShapeMismatchException.ForOp(Op, rule, $"the start dim ({start}) comes after the end dim ({end})", x);
        return x.flatten(startDim, endDim);
    }

    /// <summary>The same elements in a new shape; one dim may be -1 and is then inferred: <c>[B, 1, 28, 28] -&gt; (-1, 784) -&gt; [B, 784]</c>.</summary>
    public static torch.Tensor Reshape(torch.Tensor x, params long[] shape)
    {
        const string Op = "Ops.Reshape";
        string rule = $"the shape ({string.Join(", ", shape)})";
        if (shape.Count(d => d == -1) > 1) throw ShapeMismatchException.ForOp(Op, rule, "only one dim may be -1", x);
        if (shape.Any(d => d < -1)) throw ShapeMismatchException.ForOp(Op, rule, "a dim is negative", x);
        long known = shape.Where(d => d != -1).Aggregate(1L, (a, b) => a * b);
        long elements = x.numel();
        bool fits = shape.Contains(-1) ? known != 0 && elements % known == 0 : known == elements;
        if (!fits) throw ShapeMismatchException.ForOp(Op, rule, $"{elements:N0} elements cannot take that shape ({(shape.Contains(-1) ? $"not a multiple of {known:N0}" : $"it holds {known:N0}")})", x);
        return x.reshape(shape);
    }

    /// <summary>Swaps two dims: <c>[B, T, C] -&gt; (1, 2) -&gt; [B, C, T]</c>.</summary>
    public static torch.Tensor Transpose(torch.Tensor x, long dim0, long dim1)
    {
        const string Op = "Ops.Transpose";
        string rule = $"swapping dims {dim0} and {dim1}";
        long rank = Math.Max(x.dim(), 1);
        Dim(Op, rule, x, dim0, rank, "first dim");
        Dim(Op, rule, x, dim1, rank, "second dim");
        return x.transpose(dim0, dim1);
    }

    /// <summary>Reorders all dims: <c>[B, H, W, C] -&gt; (0, 3, 1, 2) -&gt; [B, C, H, W]</c>.</summary>
    public static torch.Tensor Permute(torch.Tensor x, params long[] dims)
    {
        const string Op = "Ops.Permute";
        string rule = $"the order ({string.Join(", ", dims)})";
        long rank = x.dim();
        if (dims.Length != rank) throw ShapeMismatchException.ForOp(Op, rule, $"the order names {dims.Length} dims but the tensor has {rank}", x);
        var seen = new bool[rank];
        foreach (long dim in dims)
        {
            long at = Dim(Op, rule, x, dim, rank, "dim");
            if (seen[at]) throw ShapeMismatchException.ForOp(Op, rule, $"dim {at} is named twice", x);
            seen[at] = true;
        }
        return x.permute(dims);
    }

    /// <summary>Batched matrix product: <c>[*, N, K] @ [*, K, M] -&gt; [*, N, M]</c>, leading dims broadcast.</summary>
    public static torch.Tensor MatMul(torch.Tensor a, torch.Tensor b)
    {
        const string Op = "Ops.MatMul", Rule = "[*, N, K] @ [*, K, M]";
        long rankA = a.dim(), rankB = b.dim();
        if (rankA == 0 || rankB == 0) throw ShapeMismatchException.ForOp(Op, Rule, "a product needs operands of at least one dim", a, b);
        long kA = a.size(-1), kB = rankB == 1 ? b.size(0) : b.size(-2);
        if (kA != kB)
        {
            throw ShapeMismatchException.ForOp(Op, Rule, $"K is {kA} in the first (its last dim) but {kB} in the second (its {(rankB == 1 ? "only" : "second-to-last")} dim)", a, b);
        }
        long batchA = Math.Max(0, rankA - 2), batchB = Math.Max(0, rankB - 2);
        for (long i = 1; i <= Math.Min(batchA, batchB); i++)
        {
            long dimA = a.size((int)(batchA - i)), dimB = b.size((int)(batchB - i));
            if (dimA != dimB && dimA != 1 && dimB != 1)
            {
                throw ShapeMismatchException.ForOp(Op, Rule, $"the leading dims do not broadcast: {dimA} against {dimB}", a, b);
            }
        }
        return a.matmul(b);
    }

    /// <summary>Joins tensors along <paramref name="dim"/>; every other dim must agree.</summary>
    public static torch.Tensor Concat(long dim, params torch.Tensor[] tensors)
    {
        const string Op = "Ops.Concat";
        string rule = $"joining along dim {dim} (every other dim equal)";
        if (tensors.Length == 0) throw ShapeMismatchException.ForOp(Op, rule, "no tensors were given");
        var first = tensors[0];
        long rank = first.dim();
        if (rank == 0) throw ShapeMismatchException.ForOp(Op, rule, "a tensor without dims cannot be joined", tensors);
        long at = Dim(Op, rule, first, dim, rank, "dim");
        foreach (var other in tensors.Skip(1))
        {
            if (other.dim() != rank) throw ShapeMismatchException.ForOp(Op, rule, $"the tensors have {rank} and {other.dim()} dims", tensors);
            for (int d = 0; d < rank; d++)
            {
                if (d != at && other.size(d) != first.size(d)) throw ShapeMismatchException.ForOp(Op, rule, $"dim {d} is {first.size(d)} in one and {other.size(d)} in another", tensors);
            }
        }
        return torch.cat(tensors, dim);
    }

    /// <summary>Stacks same-shaped tensors along a new dim at <paramref name="dim"/>.</summary>
    public static torch.Tensor Stack(long dim, params torch.Tensor[] tensors)
    {
        const string Op = "Ops.Stack";
        string rule = $"stacking same-shaped tensors at dim {dim}";
        if (tensors.Length == 0) throw ShapeMismatchException.ForOp(Op, rule, "no tensors were given");
        var shape = tensors[0].shape;
        foreach (var other in tensors.Skip(1))
        {
            if (!other.shape.SequenceEqual(shape)) throw ShapeMismatchException.ForOp(Op, rule, "the shapes differ", tensors);
        }
        Dim(Op, rule, tensors[0], dim, shape.Length + 1, "dim");
        return torch.stack(tensors, dim);
    }

    /// <summary>Sums over <paramref name="dim"/>, which is removed (or kept as 1 with <paramref name="keepDim"/>).</summary>
    public static torch.Tensor Sum(torch.Tensor x, long dim, bool keepDim = false)
    {
        Dim("Ops.Sum", $"summing over dim {dim}", x, dim, Math.Max(x.dim(), 1), "dim");
        return x.sum(dim, keepDim);
    }

    /// <summary>Averages over <paramref name="dim"/>, which is removed (or kept as 1 with <paramref name="keepDim"/>).</summary>
    public static torch.Tensor Mean(torch.Tensor x, long dim, bool keepDim = false)
    {
        Dim("Ops.Mean", $"averaging over dim {dim}", x, dim, Math.Max(x.dim(), 1), "dim");
        return x.mean([dim], keepDim);
    }

    /// <summary>Softmax over <paramref name="dim"/>; shape unchanged.</summary>
    public static torch.Tensor Softmax(torch.Tensor x, long dim)
    {
        Dim("Ops.Softmax", $"softmax over dim {dim}", x, dim, Math.Max(x.dim(), 1), "dim");
        return torch.nn.functional.softmax(x, dim);
    }

    /// <summary>
    /// The slice at <paramref name="index"/> along <paramref name="dim"/>, which is removed; a negative
    /// index counts from the end (<c>Select(hidden, 0, -1)</c> is the last layer's final state).
    /// </summary>
    public static torch.Tensor Select(torch.Tensor x, long dim, long index)
    {
        const string Op = "Ops.Select";
        string rule = $"index {index} of dim {dim}";
        if (x.dim() == 0) throw ShapeMismatchException.ForOp(Op, rule, "a tensor without dims has nothing to select", x);
        long at = Dim(Op, rule, x, dim, x.dim(), "dim");
        long size = x.size((int)at);
        if (index < -size || index >= size) throw ShapeMismatchException.ForOp(Op, rule, $"dim {at} has {size} entries, so the index must be in [{-size}, {size})", x);
        return x.select(dim, index);
    }

    /// <summary>
    /// The positions <c>0..T-1</c> of a batch of sequences <c>[B, T, ...]</c>, as int64 on its device:
    /// <c>[T]</c>, ready for a position embedding (<c>Tokens(x) + Positions(Ops.Positions(x))</c>).
    /// </summary>
    public static torch.Tensor Positions(torch.Tensor sequences)
    {
        if (sequences.dim() < 2) throw ShapeMismatchException.ForOp("Ops.Positions", "[B, T, ...]", $"sequences need a batch and a time dim; got {sequences.dim()} dim(s)", sequences);
        return torch.arange(sequences.size(1), dtype: torch.int64, device: sequences.device);
    }

    /// <summary>A new dim of size 1 at <paramref name="dim"/> (<c>Unsqueeze(weights, -1)</c> makes <c>[B, T]</c> broadcast against <c>[B, T, D]</c>).</summary>
    public static torch.Tensor Unsqueeze(torch.Tensor x, long dim)
    {
        Dim("Ops.Unsqueeze", $"a new dim at {dim}", x, dim, x.dim() + 1, "dim");
        return x.unsqueeze(dim);
    }

    /// <summary>Removes <paramref name="dim"/>, which must have size 1 (unlike PyTorch's squeeze, which silently keeps a larger one).</summary>
    public static torch.Tensor Squeeze(torch.Tensor x, long dim)
    {
        const string Op = "Ops.Squeeze";
        string rule = $"removing dim {dim} of size 1";
        long at = Dim(Op, rule, x, dim, Math.Max(x.dim(), 1), "dim");
        if (x.size((int)at) != 1) throw ShapeMismatchException.ForOp(Op, rule, $"dim {at} has size {x.size((int)at)}, not 1", x);
        return x.squeeze(at);
    }

    /// <summary><paramref name="length"/> entries of <paramref name="dim"/> from <paramref name="start"/> (a view, as PyTorch's narrow).</summary>
    public static torch.Tensor Narrow(torch.Tensor x, long dim, long start, long length)
    {
        const string Op = "Ops.Narrow";
        string rule = $"entries {start}..{start + length} of dim {dim}";
        long at = Dim(Op, rule, x, dim, Math.Max(x.dim(), 1), "dim");
        long size = x.size((int)at);
        if (start < 0 || length < 0 || start + length > size) throw ShapeMismatchException.ForOp(Op, rule, $"dim {at} has {size} entries", x);
        return x.narrow(at, start, length);
    }

    /// <summary>
    /// <paramref name="dim"/> cut into <paramref name="chunks"/> views of equal size (the last smaller when the size does not
    /// divide), as PyTorch's <c>chunk</c>: <c>var (gate, value) = Ops.Chunk(x, 2, -1);</c> for a GLU.
    /// </summary>
    public static torch.Tensor[] Chunk(torch.Tensor x, int chunks, long dim)
    {
        const string Op = "Ops.Chunk";
        string rule = $"{chunks} chunks of dim {dim}";
        if (chunks < 1) throw ShapeMismatchException.ForOp(Op, rule, "the chunk count must be at least 1", x);
        long at = Dim(Op, rule, x, dim, Math.Max(x.dim(), 1), "dim");
        return x.chunk(chunks, at);
    }

    /// <summary>
    /// <paramref name="dim"/> cut into views of the given <paramref name="sizes"/>, which must add up to it, as PyTorch's
    /// <c>split</c> with a list: <c>var (q, kv) = Ops.Split(x, -1, 64, 128);</c>.
    /// </summary>
    public static torch.Tensor[] Split(torch.Tensor x, long dim, params long[] sizes)
    {
        const string Op = "Ops.Split";
        string rule = $"dim {dim} cut into {string.Join(" + ", sizes)}";
        long at = Dim(Op, rule, x, dim, Math.Max(x.dim(), 1), "dim");
        if (sizes.Length == 0 || sizes.Any(size => size < 0) || sizes.Sum() != x.size((int)at))
            throw ShapeMismatchException.ForOp(Op, rule, $"dim {at} has {x.size((int)at)} entries", x);
        return x.split(sizes, at);
    }

    /// <summary>Joins a list of tensors along <paramref name="dim"/> (DenseNet's growing features); every other dim must agree.</summary>
    public static torch.Tensor Concat(long dim, IEnumerable<torch.Tensor> tensors) => Concat(dim, tensors.ToArray());

    /// <summary>Two parts of a <see cref="Chunk"/> or <see cref="Split"/>: <c>var (a, b) = Ops.Chunk(x, 2, -1);</c>.</summary>
    public static void Deconstruct(this torch.Tensor[] parts, out torch.Tensor first, out torch.Tensor second)
    {
        if (parts.Length != 2) throw new ArgumentException($"Deconstructing into two parts needs two tensors; there are {parts.Length}.", nameof(parts));
        (first, second) = (parts[0], parts[1]);
    }

    /// <summary>Three parts of a <see cref="Chunk"/> or <see cref="Split"/>: <c>var (q, k, v) = Ops.Chunk(qkv, 3, -1);</c>.</summary>
    public static void Deconstruct(this torch.Tensor[] parts, out torch.Tensor first, out torch.Tensor second, out torch.Tensor third)
    {
        if (parts.Length != 3) throw new ArgumentException($"Deconstructing into three parts needs three tensors; there are {parts.Length}.", nameof(parts));
        (first, second, third) = (parts[0], parts[1], parts[2]);
    }

    /// <summary>The largest value over <paramref name="dim"/>, which is removed (or kept as 1).</summary>
    public static torch.Tensor Max(torch.Tensor x, long dim, bool keepDim = false)
    {
        Dim("Ops.Max", $"the maximum over dim {dim}", x, dim, Math.Max(x.dim(), 1), "dim");
        return x.max(dim, keepDim).values;
    }

    /// <summary>The smallest value over <paramref name="dim"/>, which is removed (or kept as 1).</summary>
    public static torch.Tensor Min(torch.Tensor x, long dim, bool keepDim = false)
    {
        Dim("Ops.Min", $"the minimum over dim {dim}", x, dim, Math.Max(x.dim(), 1), "dim");
        return x.min(dim, keepDim).values;
    }

    /// <summary>The index of the largest value over <paramref name="dim"/> (int64), which is removed (or kept as 1).</summary>
    public static torch.Tensor ArgMax(torch.Tensor x, long dim, bool keepDim = false)
    {
        Dim("Ops.ArgMax", $"the index of the maximum over dim {dim}", x, dim, Math.Max(x.dim(), 1), "dim");
        return x.argmax(dim, keepDim);
    }

    /// <summary>
    /// <paramref name="token"/>, whose first dim is 1, repeated along it to <paramref name="like"/>'s batch without
    /// copying: a learned class token <c>[1, 1, D]</c> becomes <c>[B, 1, D]</c> to be concatenated with <c>[B, T, D]</c>.
    /// </summary>
    public static torch.Tensor ExpandBatch(torch.Tensor token, torch.Tensor like)
    {
        if (token.dim() == 0 || token.size(0) != 1 || like.dim() == 0)
            throw ShapeMismatchException.ForOp("Ops.ExpandBatch", "[1, ...] along the batch of [B, ...]", "the token's first dim must be 1 and the other tensor needs a batch dim", token);
        var sizes = token.shape.ToArray();
        sizes[0] = like.size(0);
        return token.expand(sizes);
    }

    /// <summary>Each value limited to [<paramref name="min"/>, <paramref name="max"/>]; shape unchanged.</summary>
    public static torch.Tensor Clamp(torch.Tensor x, double min, double max) => x.clamp(min, max);

    /// <summary>
    /// Zero padding of the last dim by <paramref name="before"/> and <paramref name="after"/> entries (<c>Pad(x, 2, 0)</c> is a
    /// causal pad of a sequence <c>[B, C, T]</c> before a convolution of width 3).
    /// </summary>
    public static torch.Tensor Pad(torch.Tensor x, long before, long after) => torch.nn.functional.pad(x, [before, after]);

    /// <summary>Where <paramref name="condition"/> holds, <paramref name="whenTrue"/>, else <paramref name="otherwise"/>; all three broadcast together.</summary>
    public static torch.Tensor Where(torch.Tensor condition, torch.Tensor whenTrue, torch.Tensor otherwise) => torch.where(condition, whenTrue, otherwise);

    /// <summary><paramref name="dim"/> as a dim in [0, <paramref name="rank"/>), negative ones counting from the end; out of range throws.</summary>
    private static long Dim(string operation, string rule, torch.Tensor x, long dim, long rank, string what)
    {
        if (dim < -rank || dim >= rank)
        {
            throw ShapeMismatchException.ForOp(operation, rule, $"the {what} {dim} is out of range for {x.dim()} dim(s) (it must be in [{-rank}, {rank}))", x);
        }
        return dim < 0 ? dim + rank : dim;
    }
}
