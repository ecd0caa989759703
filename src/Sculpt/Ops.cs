using TorchSharp;

namespace Sculpt;

/// <summary>
/// Parameter-free operations for forward bodies. Each has a shape rule the generator knows, so a
/// call shows up in <c>Summary()</c> with its output shape.
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

    /// <summary>Merges dims <paramref name="startDim"/>..<paramref name="endDim"/> into one: <c>[B, C, H, W] -&gt; [B, C*H*W]</c>.</summary>
    public static torch.Tensor Flatten(torch.Tensor x, long startDim = 1, long endDim = -1) => x.flatten(startDim, endDim);

    /// <summary>The same elements in a new shape; one dim may be -1 and is then inferred: <c>[B, 1, 28, 28] -&gt; (-1, 784) -&gt; [B, 784]</c>.</summary>
    public static torch.Tensor Reshape(torch.Tensor x, params long[] shape) => x.reshape(shape);

    /// <summary>Swaps two dims: <c>[B, T, C] -&gt; (1, 2) -&gt; [B, C, T]</c>.</summary>
    public static torch.Tensor Transpose(torch.Tensor x, long dim0, long dim1) => x.transpose(dim0, dim1);

    /// <summary>Reorders all dims: <c>[B, H, W, C] -&gt; (0, 3, 1, 2) -&gt; [B, C, H, W]</c>.</summary>
    public static torch.Tensor Permute(torch.Tensor x, params long[] dims) => x.permute(dims);

    /// <summary>Batched matrix product: <c>[*, N, K] @ [*, K, M] -&gt; [*, N, M]</c>, leading dims broadcast.</summary>
    public static torch.Tensor MatMul(torch.Tensor a, torch.Tensor b) => a.matmul(b);

    /// <summary>Joins tensors along <paramref name="dim"/>; every other dim must agree.</summary>
    public static torch.Tensor Concat(long dim, params torch.Tensor[] tensors) => torch.cat(tensors, dim);

    /// <summary>Stacks same-shaped tensors along a new dim at <paramref name="dim"/>.</summary>
    public static torch.Tensor Stack(long dim, params torch.Tensor[] tensors) => torch.stack(tensors, dim);

    /// <summary>Sums over <paramref name="dim"/>, which is removed (or kept as 1 with <paramref name="keepDim"/>).</summary>
    public static torch.Tensor Sum(torch.Tensor x, long dim, bool keepDim = false) => x.sum(dim, keepDim);

    /// <summary>Averages over <paramref name="dim"/>, which is removed (or kept as 1 with <paramref name="keepDim"/>).</summary>
    public static torch.Tensor Mean(torch.Tensor x, long dim, bool keepDim = false) => x.mean([dim], keepDim);

    /// <summary>Softmax over <paramref name="dim"/>; shape unchanged.</summary>
    public static torch.Tensor Softmax(torch.Tensor x, long dim) => torch.nn.functional.softmax(x, dim);

    /// <summary>
    /// The slice at <paramref name="index"/> along <paramref name="dim"/>, which is removed; a negative
    /// index counts from the end (<c>Select(hidden, 0, -1)</c> is the last layer's final state).
    /// </summary>
    public static torch.Tensor Select(torch.Tensor x, long dim, long index) => x.select(dim, index);

    /// <summary>
    /// The positions <c>0..T-1</c> of a batch of sequences <c>[B, T, ...]</c>, as int64 on its device:
    /// <c>[T]</c>, ready for a position embedding (<c>Tokens(x) + Positions(Ops.Positions(x))</c>).
    /// </summary>
    public static torch.Tensor Positions(torch.Tensor sequences) => torch.arange(sequences.size(1), dtype: torch.int64, device: sequences.device);
}
