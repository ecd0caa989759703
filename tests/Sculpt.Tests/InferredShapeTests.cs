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

    [Theory]
    [InlineData(3, 2, 1, 1, 2, 4, 37, 29)]
    [InlineData(5, 1, 2, 2, 3, 2, 40, 33)]
    [InlineData(4, 3, 0, 1, 2, 3, 64, 50)]
    public void Windows_set_by_hyperparameters_are_sized_and_counted_for_any_config(int kernel, int stride, int padding, int dilation, int pool, int patch, int height, int width)
    {
        var config = new WindowSettings { Kernel = kernel, Stride = stride, Padding = padding, Dilation = dilation, Pool = pool, Patch = patch };
        using var model = new ConfiguredWindows(config);
        var produced = new Dictionary<string, long[]>();
        foreach (var (child, module) in model.named_children())
        {
            ((nn.Module<Tensor, Tensor>)module).register_forward_hook((_, _, output) => { produced[child] = output.shape; return output; });
        }
        using (no_grad()) model.call(randn(2, 3, height, width)).Dispose();

        var summary = model.Summary(("B", 2), ("H", height), ("W", width));
        foreach (var row in summary.Rows)
        {
            Assert.Equal("[" + string.Join(", ", produced[row.Name]) + "]", summary.Concrete(row));
        }
        // The symbols stay readable: the patch split is H/Patch-like, the convolution the window's own formula.
        Assert.Equal("[B, 8, (H+2*Padding-Dilation*(Kernel-1)-1)/Stride+1, (W+2*Padding-Dilation*(Kernel-1)-1)/Stride+1]", ModelSummary.Symbolic(summary.Rows[0]));
        var conv = produced["Conv"];
        Assert.Equal(conv.Aggregate(1L, (a, b) => a * b) * 3 * kernel * kernel, summary.Rows[0].MultiplyAdds);
        var patches = produced["Patchify"];
        Assert.Equal(patches.Aggregate(1L, (a, b) => a * b) * 8 * patch * patch, summary.Rows[2].MultiplyAdds);
        Assert.Equal(summary.Rows.Sum(r => r.MultiplyAdds), summary.TotalMultiplyAdds);
    }

    [Theory]
    [InlineData(3, 1, 24, 24, 56)]
    [InlineData(5, 2, 16, 24, 28)]
    [InlineData(5, 1, 40, 80, 57)]
    public void A_block_s_result_is_sized_by_the_branch_its_config_takes(int kernel, int stride, int inWidth, int outWidth, int size)
    {
        // MBConv returns x + Drop(h) only with stride 1 and equal widths, else h: the result's size is the one that config picks.
        var config = new MBConvSizes { Kernel = kernel, Stride = stride, In = inWidth, Out = outWidth, Expand = 2 };
        var summary = MBConv.Summarize(config, new Dictionary<string, long> { ["B"] = 2, ["H"] = size, ["W"] = size - 1 });
        using var block = new MBConv(config);
        block.eval();
        using var _ = no_grad();
        using var output = block.call(randn(2, inWidth, size, size - 1));
        Assert.Equal(output.shape, Enumerable.Range(1, 4).Reverse().Select(i => summary.ResultSize(i)!.Value).ToArray());
        Assert.Contains(" or ", summary.Result[2].Text, StringComparison.Ordinal);
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

/// <summary>Every window setting from a hyperparameter: the summary sizes them from the config it is given.</summary>
[HyperParameters]
public partial record WindowSettings
{
    public int Kernel { get; init; } = 3;
    public int Stride { get; init; } = 2;
    public int Padding { get; init; } = 1;
    public int Dilation { get; init; } = 1;
    public int Pool { get; init; } = 2;
    public int Patch { get; init; } = 4;
}

[Model(typeof(WindowSettings))]
public partial class ConfiguredWindows
{
    [Conv2d(3, 8, "Kernel", Stride = "Stride", Padding = "Padding", Dilation = "Dilation")] private partial Tensor Conv(Tensor x);
    [MaxPool2d("Pool")] private partial Tensor Pool(Tensor x);
    [Conv2d(8, 16, "Patch", Stride = "Patch")] private partial Tensor Patchify(Tensor x);

    [Forward("B 3 H W -> B 16 P Q")]
    public Tensor Forward(Tensor x) => Patchify(Pool(Conv(x)));
}
