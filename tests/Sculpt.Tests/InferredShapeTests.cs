using System;
using System.Collections.Generic;
using System.Linq;
using Sculpt.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Sculpt.Tests;

/// <summary>
/// For each layer of a model, the shape the generator inferred at compile time (its summary row)
/// against the shape the layer really produced in a forward pass, caught with a forward hook.
/// </summary>
public class InferredShapeTests
{
    public static TheoryData<string> Models => new() { "LeNet5", "SequenceCnn", "SamePaddedSequence", "TinyGpt", "Gpt2", "Vgg16" };

    [Theory]
    [MemberData(nameof(Models))]
    public void Every_layer_produces_the_shape_inferred_at_compile_time(string name)
    {
        var (model, inputs, sizes) = Build(name);
        using var _ = model;
        var produced = new Dictionary<string, long[]>();
        var hooks = new List<Action>();
        foreach (var (child, module) in model.named_children())
        {
            if (module is nn.Module<Tensor, Tensor> layer)
            {
                var remover = layer.register_forward_hook((_, _, output) =>
                {
                    produced.TryAdd(child, output.shape);
                    return output;
                });
                hooks.Add(remover.remove);
            }
        }
        model.eval();
        using (no_grad())
        {
            using var output = inputs.Length == 1 ? ((nn.Module<Tensor, Tensor>)model).call(inputs[0]) : ((nn.Module<Tensor, Tensor, Tensor>)model).call(inputs[0], inputs[1]);
        }
        foreach (var remove in hooks) remove();

        var summary = ((ISculptModel)model).Summary(sizes);
        int compared = 0;
        // The hook caught each layer's first call, so each layer's first row; a row the walker left unknown has nothing to compare.
        foreach (var row in summary.Rows.GroupBy(r => r.Name).Select(g => g.First()).Where(r => produced.ContainsKey(r.Name) && !summary.Concrete(r).Contains('?')))
        {
            Assert.Equal("[" + string.Join(", ", produced[row.Name]) + "]", summary.Concrete(row));
            compared++;
        }
        Assert.True(compared >= 3, $"only {compared} layers compared");
    }

    [Fact]
    public void Strided_windows_over_symbolic_sizes_resolve_once_the_sizes_are_known()
    {
        // VGG-16 declared for any image size (B 3 H W): five 2x2 poolings over H and W.
        using var model = new Vgg16();
        var summary = model.Summary(("B", 1), ("H", 32), ("W", 32));
        Assert.DoesNotContain(summary.Rows, r => summary.Concrete(r).Contains('?'));
        Assert.NotNull(summary.TotalMultiplyAdds);
        Assert.Contains(summary.Rows, r => ModelSummary.Symbolic(r).Contains("H/2/2", StringComparison.Ordinal) || ModelSummary.Symbolic(r).Contains("(H/2)/2", StringComparison.Ordinal));
    }

    private static (nn.Module Model, Tensor[] Inputs, (string, long)[] Sizes) Build(string name) => name switch
    {
        "LeNet5" => (new LeNet5(), [randn(2, 1, 32, 32)], [("B", 2)]),
        "SequenceCnn" => (new SequenceCnn(), [randn(2, 4, 100)], [("B", 2)]),
        "SamePaddedSequence" => (new SamePaddedSequence(), [randn(2, 4, 60)], [("B", 2)]),
        "TinyGpt" => (new TinyGptModel(new GptConfig()), [randint(0, 50, new long[] { 3, 7 })], [("B", 3), ("T", 7)]),
        "Gpt2" => (new Gpt2(new Gpt2Config { Vocabulary = 40, Context = 16, Dim = 24, Heads = 4, Layers = 2, Mlp = 48 }), [randint(0, 40, new long[] { 2, 10 })], [("B", 2), ("T", 10)]),
        _ => (new Vgg16(), [randn(1, 3, 32, 32)], [("B", 1), ("H", 32), ("W", 32)]),
    };
}
