using System;
using System.Collections.Generic;
using System.Linq;
using Sculpt.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Sculpt.Layers;

/// <summary>
/// A low-rank adapter on one <see cref="Linear"/> layer (LoRA, Hu et al. 2021): the layer's output gains
/// <c>scale * B(A(x))</c>, with <c>A</c> <c>[rank, in]</c> drawn as a linear layer's weight is and <c>B</c> <c>[out, rank]</c>
/// zero, so an adapted model starts as the model it adapts, and <c>scale = alpha / rank</c>. It sits under the layer it
/// adapts (<c>Hidden1.lora.A</c>, <c>Hidden1.lora.B</c>) and runs as a forward hook of that layer, so the model's own
/// code is unchanged. Under mixed precision the layer's product is a functional call that runs no hooks, and
/// <see cref="MixedPrecision.LowPrecision.Linear"/> adds the adapter's term itself (<see cref="Of"/>, <see cref="Add"/>).
/// </summary>
public sealed class LowRankAdapter : nn.Module
{
    private readonly Parameter A;
    private readonly Parameter B;
    private readonly Action _removeHook;
    private readonly Scalar _scale;

    // Each layer's adapter, for the mixed-precision path, which skips the hook: looked up per call, so not a module search.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Linear, LowRankAdapter> ByLayer = new();

    public LowRankAdapter(Linear layer, int rank, double alpha) : base(nameof(LowRankAdapter))
    {
        if (rank < 1) throw new ArgumentOutOfRangeException(nameof(rank), $"A low-rank adapter needs a rank of at least 1; got {rank}.");
        var weight = layer.weight!;
        long outputs = weight.size(0), inputs = weight.size(1);
        Rank = rank;
        Scale = alpha / rank;
        using (no_grad())
        {
            // As nn.Linear draws its weight (kaiming-uniform with a = sqrt(5)): uniform within 1/sqrt(in).
            double bound = 1 / Math.Sqrt(inputs);
            A = new Parameter(empty(new long[] { rank, inputs }, dtype: weight.dtype, device: weight.device).uniform_(-bound, bound));
            B = new Parameter(zeros(new long[] { outputs, rank }, dtype: weight.dtype, device: weight.device));
        }
        _scale = Scale.ToScalar();
        RegisterComponents();
        var hook = layer.register_forward_hook((_, input, output) => AddTerm(output, input, A, B));
        ByLayer.AddOrUpdate(layer, this);
        _removeHook = () =>
        {
            hook.remove();
            ByLayer.Remove(layer);
        };
    }

    /// <summary>The adapter attached to <paramref name="layer"/>, if any.</summary>
    public static LowRankAdapter? Of(Linear layer) => ByLayer.TryGetValue(layer, out var adapter) ? adapter : null;

    /// <summary><paramref name="output"/> plus this adapter's term for <paramref name="input"/>, with <c>A</c> and <c>B</c> as <paramref name="weightOf"/> gives them (their low-precision twins, under mixed precision).</summary>
    public Tensor Add(Tensor output, Tensor input, Func<Tensor, Tensor> weightOf) => AddTerm(output, input, weightOf(A), weightOf(B));

    private Tensor AddTerm(Tensor output, Tensor input, Tensor a, Tensor b) => output.add(nn.functional.linear(nn.functional.linear(input, a), b), _scale);

    public int Rank { get; }

    public double Scale { get; }

    /// <summary>The update this adapter adds to its layer's weight: <c>scale * B A</c>, <c>[out, in]</c>.</summary>
    public Tensor WeightUpdate() => B.matmul(A).mul_(_scale);

    /// <summary>Stops adding to the layer's output (the adapter's tensors stay).</summary>
    public void Detach() => _removeHook();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _scale.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>Adapters on a model's linear layers: attaching them by component name, counting and merging them.</summary>
public static class LowRankAdapters
{
    /// <summary>Where an adapter's tensors sit under its layer.</summary>
    public const string Name = "lora";

    /// <summary>
    /// Puts an adapter on every <see cref="Linear"/> layer of <paramref name="model"/> within <paramref name="components"/>
    /// (state-dict names; <c>*</c> for every linear layer, attention projections included). Returns the adapted layers' names.
    /// </summary>
    /// <exception cref="ArgumentException">A component holds no linear layer; the message lists the model's linear layers.</exception>
    public static IReadOnlyList<string> Attach(nn.Module model, IReadOnlyList<string> components, int rank, double alpha)
    {
        var linears = model.named_modules().Where(m => m.module is Linear).Select(m => (m.name, Layer: (Linear)m.module)).ToList();
        bool all = components.Contains("*");
        var chosen = linears.Where(l => all || ComponentNames.Within(l.name, components) || components.Any(c => ComponentNames.Within(c, [l.name]))).ToList();
        foreach (var component in components.Where(c => c != "*"))
        {
            if (!linears.Any(l => ComponentNames.Within(l.name, [component]) || ComponentNames.Within(component, [l.name])))
                throw new ArgumentException($"'{component}' holds no linear layer to adapt; the model's linear layers: {string.Join(", ", linears.Select(l => l.name))}.");
        }
        if (chosen.Count == 0) throw new ArgumentException("The model has no linear layer to adapt.");
        foreach (var (_, layer) in chosen) layer.register_module(Name, new LowRankAdapter(layer, rank, alpha));
        return chosen.Select(l => l.name).ToList();
    }

    /// <summary>Whether the tensor <paramref name="name"/> is an adapter's.</summary>
    public static bool IsAdapter(string name) => name.Contains("." + Name + ".", StringComparison.Ordinal) || name.StartsWith(Name + ".", StringComparison.Ordinal);

    /// <summary>
    /// The model's state dict with every adapter folded into its layer's weight (<c>W + scale * B A</c>) and the adapters'
    /// own tensors left out: the weights of the same model without adapters, for inference or for PyTorch.
    /// </summary>
    public static Dictionary<string, Tensor> Merged(nn.Module model)
    {
        using var noGrad = no_grad();
        var merged = model.state_dict().Where(p => !IsAdapter(p.Key)).ToDictionary(p => p.Key, p => p.Value.detach().clone());
        foreach (var (name, module) in model.named_modules())
        {
            if (module is not LowRankAdapter adapter) continue;
            string layer = name[..^(Name.Length + 1)];
            using var update = adapter.WeightUpdate();
            merged[layer + ".weight"].add_(update);
        }
        return merged;
    }
}
