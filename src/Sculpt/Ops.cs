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
}
