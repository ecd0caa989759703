using System.Linq;
using Sculpt.HyperParameters;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Sculpt.Layers;

/// <summary>One weight tensor used by two layers (a language model's head and its token embedding).</summary>
public static class WeightTying
{
    /// <summary>
    /// Makes <paramref name="layer"/> use <paramref name="source"/>'s weight. Both modules then hold
    /// the same <see cref="Parameter"/> object, so <c>parameters()</c> lists it once (as PyTorch
    /// does) and an optimizer updates it once.
    /// </summary>
    /// <exception cref="HyperParameterException">The weights have different shapes.</exception>
    public static void Tie(Linear layer, nn.Module source, string model, string layerName, string sourceName)
    {
        var shared = source switch
        {
            Embedding embedding => embedding.weight!,
            Linear linear => linear.weight,
            _ => throw new System.ArgumentException($"'{sourceName}' is a {source.GetType().Name}; only an Embedding or a Linear can lend its weight.", nameof(source)),
        };
        var shape = layer.weight.shape;
        if (!shape.SequenceEqual(shared.shape))
        {
            throw new HyperParameterException(
                $"Layer '{model}.{layerName}' is tied to '{sourceName}', but its weight is [{string.Join(", ", shape)}] and '{sourceName}''s is [{string.Join(", ", shared.shape)}].");
        }
        // TorchSharp's Embedding hands out a new wrapper on each read; registering this one makes both modules hold the same object.
        if (source is Embedding lender) lender.weight = shared;
        layer.weight = shared;
    }
}
