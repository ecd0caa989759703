using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Sculpt.Optimization;

/// <summary>Where one parameter lives inside the flat buffers.</summary>
public sealed record FlatSlot(string Name, long Offset, long[] Shape, bool Decays)
{
    public long Elements => Shape.Aggregate(1L, (product, dim) => product * dim);
}

/// <summary>How one group of parameters trains: its rate as a multiple of the optimizer's, and its own weight decay (null: the optimizer's).</summary>
public sealed record ParameterGroup(double RateScale = 1, double? WeightDecay = null)
{
    public static ParameterGroup Default { get; } = new();
}

/// <summary>
/// A group's part of the flat buffers: <c>[Start, DecayedEnd)</c> takes weight decay, <c>[DecayedEnd, End)</c> does not.
/// </summary>
public sealed record FlatGroup(ParameterGroup Settings, long Start, long DecayedEnd, long End)
{
    public long Decayed => DecayedEnd - Start;
}

/// <summary>
/// Every trainable parameter of a model as a view into one contiguous buffer, and every gradient
/// as a view into a second one, so an optimizer updates all of them with a handful of whole-buffer
/// operations instead of a loop of small ones per parameter. Parameters that take weight decay
/// (by default those with two or more dims: weights and embeddings, not biases or norm scales)
/// come first, so decay is one operation on a prefix of the buffer. Parameters in groups of their own (discriminative
/// learning rates) lie group after group, each with its decayed part first, so an optimizer makes one call per group.
/// </summary>
public sealed class FlatParameters : IDisposable
{
    private readonly List<(FlatSlot Slot, Parameter Parameter)> _parameters = new();

    /// <param name="module">The model, already on its device.</param>
    /// <param name="decays">Which parameters take weight decay; by default those with two or more dims.</param>
    /// <param name="groupOf">Each parameter's group, by name; by default one group for all.</param>
    public FlatParameters(nn.Module module, Func<string, Parameter, bool>? decays = null, Func<string, ParameterGroup>? groupOf = null)
    {
        decays ??= static (_, parameter) => parameter.dim() >= 2;
        groupOf ??= static _ => ParameterGroup.Default;
        var trainable = module.named_parameters().Where(p => p.parameter.requires_grad).ToList();
        if (trainable.Count == 0) throw new ArgumentException("The model has no trainable parameters.", nameof(module));
        var first = trainable[0].parameter;
        foreach (var (name, parameter) in trainable)
        {
            if (parameter.dtype != first.dtype || parameter.device_type != first.device_type || parameter.device_index != first.device_index)
            {
                throw new ArgumentException($"Parameter '{name}' is {parameter.dtype} on {parameter.device}, but '{trainable[0].name}' is {first.dtype} on {first.device}; one flat buffer needs one dtype and device.", nameof(module));
            }
        }
        var settings = new List<ParameterGroup>();
        int GroupIndex(string name)
        {
            var group = groupOf(name);
            int index = settings.IndexOf(group);
            if (index < 0) settings.Add(group);
            return index < 0 ? settings.Count - 1 : index;
        }
        var ordered = trainable.Select(p => (p.name, p.parameter, Decays: decays(p.name, p.parameter), Group: GroupIndex(p.name)))
            .OrderBy(p => p.Group).ThenBy(p => p.Decays ? 0 : 1).ToList();
        // Each parameter starts on a 64-byte boundary, as a fresh allocation would: oneDNN and MKL
        // kernels take slower paths on misaligned weights (LeNet's step ran 1.8x slower without this).
        // The padding between parameters stays zero: zero gradient, zero update.
        long alignment = Math.Max(1, 64 / first.element_size());
        long offset = 0;
        var groups = new List<FlatGroup>();
        foreach (var members in ordered.GroupBy(p => p.Group))
        {
            long start = offset, decayedEnd = offset;
            foreach (var (name, parameter, decaysThis, _) in members)
            {
                var slot = new FlatSlot(name, offset, parameter.shape, decaysThis);
                _parameters.Add((slot, parameter));
                offset += slot.Elements;
                if (decaysThis) decayedEnd = offset;
                offset = (offset + alignment - 1) / alignment * alignment;
            }
            groups.Add(new FlatGroup(settings[members.Key], start, decayedEnd, offset));
        }
        Groups = groups;
        DecayedElements = groups.Count == 1 ? groups[0].DecayedEnd : 0;
        // The buffers outlive whatever dispose scope they are first built in (often a training step's).
        Values = zeros(offset, dtype: first.dtype, device: first.device).DetachFromDisposeScope();
        Gradients = zeros(offset, dtype: first.dtype, device: first.device).DetachFromDisposeScope();
        Attach(copyValues: true);
    }

    /// <summary>All parameter values, decayed ones first.</summary>
    public Tensor Values { get; }

    /// <summary>All gradients, in the same layout as <see cref="Values"/>.</summary>
    public Tensor Gradients { get; }

    /// <summary>The number of leading elements of <see cref="Values"/> that take weight decay, with one group; with several, see <see cref="Groups"/>.</summary>
    public long DecayedElements { get; }

    /// <summary>The groups in buffer order; one unless parameters were given groups of their own.</summary>
    public IReadOnlyList<FlatGroup> Groups { get; }

    public long Count => Values.size(0);

    public IReadOnlyList<FlatSlot> Slots => _parameters.Select(p => p.Slot).ToList();

    /// <summary>Each slot with the parameter that lives there (a low-precision copy pairs its own twins with them).</summary>
    internal IReadOnlyList<(FlatSlot Slot, Parameter Parameter)> Entries => _parameters;

    /// <summary>
    /// Scales the gradients so that their global L2 norm is at most <paramref name="maxNorm"/>, as
    /// <c>clip_grad_norm_</c> does (coefficient <c>maxNorm / (norm + 1e-6)</c>, at most 1), with one
    /// norm over the flat buffer. Returns the norm before clipping as a tensor: reading it is a device sync.
    /// </summary>
    public Tensor ClipGradNorm(double maxNorm)
    {
        if (!(maxNorm > 0)) throw new ArgumentOutOfRangeException(nameof(maxNorm), $"must be positive; got {maxNorm}");
        _clipEpsilon ??= 1e-6.ToScalar();
        _one ??= 1.0.ToScalar();
        if (_maxNorm is null || _maxNormValue != maxNorm)
        {
            _maxNorm?.Dispose();
            _maxNorm = maxNorm.ToScalar();
            _maxNormValue = maxNorm;
        }
        var norm = Gradients.norm();
        using var coefficient = norm.add(_clipEpsilon).reciprocal_().mul_(_maxNorm).clamp_max_(_one);
        Gradients.mul_(coefficient);
        return norm;
    }

    private Scalar? _clipEpsilon, _one, _maxNorm;
    private double _maxNormValue;

    /// <summary>Adds the gradient of <c>strength * |w|</c> for the decayed parameters: <c>strength * sign(w)</c>.</summary>
    public void AddL1Gradient(double strength)
    {
        using var noGrad = no_grad();
        using var scalar = strength.ToScalar();
        foreach (var group in Groups.Where(g => g.Decayed > 0))
        {
            using var values = Values.narrow(0, group.Start, group.Decayed);
            using var gradients = Gradients.narrow(0, group.Start, group.Decayed);
            using var sign = values.sign();
            gradients.add_(sign, alpha: scalar);
        }
    }

    /// <summary>Zeroes every gradient in place (the views stay attached).</summary>
    public void ZeroGrad() => Gradients.zero_();

    /// <summary>
    /// Points every parameter and its gradient back into the buffers, e.g. after a load replaced the
    /// parameters' storage. With <paramref name="copyValues"/> the current values move in first.
    /// </summary>
    public void Attach(bool copyValues)
    {
        using var noGrad = no_grad();
        foreach (var (slot, parameter) in _parameters)
        {
            using var value = Values.narrow(0, slot.Offset, slot.Elements).view(slot.Shape);
            if (copyValues) value.copy_(parameter);
            parameter.set_(value);
            parameter.grad = Gradients.narrow(0, slot.Offset, slot.Elements).view(slot.Shape);
        }
    }

    public void Dispose()
    {
        Values.Dispose();
        Gradients.Dispose();
        _clipEpsilon?.Dispose();
        _one?.Dispose();
        _maxNorm?.Dispose();
    }
}
