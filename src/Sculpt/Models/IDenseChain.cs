using System.Collections.Generic;

namespace Sculpt.Models;

/// <summary>
/// A model whose forward pass the generator proved to be a plain chain of <c>[Linear]</c> layers
/// and <c>Ops.Relu</c> calls, after at most a leading <c>Ops.Flatten(x)</c>, each taking the previous one's result (sub-models and repeated
/// blocks included when they are chains themselves). The trainer then runs the chain's forward and
/// backward passes itself (<see cref="Training.DenseChain"/>) instead of through autograd.
/// </summary>
public interface IDenseChain
{
    /// <summary>
    /// Appends this model's steps in forward order, each Linear named by its state-dict path under
    /// <paramref name="prefix"/>. False when a part of the model turns out not to be a chain (a
    /// sub-model the generator could not prove one); <paramref name="steps"/> is then incomplete.
    /// </summary>
    bool TryAppendChain(string prefix, List<DenseChainStep> steps);

    /// <summary>Checks an input against the forward's declared shape, as <c>forward</c> does.</summary>
    /// <exception cref="ShapeMismatchException">The input does not have its declared shape.</exception>
    void CheckInput(TorchSharp.torch.Tensor input);
}

/// <summary>One step of an <see cref="IDenseChain"/>.</summary>
public abstract record DenseChainStep
{
    private DenseChainStep()
    {
    }

    /// <summary><c>x W^T + b</c>, with <c>Name.weight</c> (and <c>Name.bias</c>) among the model's parameters.</summary>
    public sealed record Linear(string Name, bool Bias) : DenseChainStep;

    /// <summary>The input's dims after the batch dim, flattened into one (<c>Ops.Flatten(x)</c>); only as the first step.</summary>
    public sealed record Flatten : DenseChainStep
    {
        public static Flatten Instance { get; } = new();
    }

    /// <summary><c>max(x, 0)</c>, as <c>torch.nn.functional.relu</c>.</summary>
    public sealed record Relu : DenseChainStep
    {
        public static Relu Instance { get; } = new();
    }
}
