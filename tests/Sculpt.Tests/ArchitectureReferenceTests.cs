using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using Sculpt.Checkpoints;
using Sculpt.Testing;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Sculpt.Tests;

/// <summary>
/// Architectures declared from their published definitions against real PyTorch: References/torchvision_reference.py
/// (Debian's python3-torch and python3-torchvision) builds each model, gives it seeded weights, runs it on a seeded
/// input and writes weights, input and output as safetensors. Here the Sculpt declaration counts the same parameters,
/// takes PyTorch's state dict by name (its [StateName]s and [RenameWeights] rules, no rename script) and computes the
/// same output to 1e-4 of the output's scale.
/// </summary>
public class ArchitectureReferenceTests(TorchvisionReferences references) : IClassFixture<TorchvisionReferences>
{
    private long PyTorchCount(string name) => Counts().GetProperty("parameters").GetProperty(name).GetInt64();

    private JsonElement Counts() => JsonDocument.Parse(File.ReadAllText(Path.Combine(references.Folder, "counts.json"))).RootElement;

    [Theory]
    [InlineData("efficientnet_b0")]
    [InlineData("convnext_tiny")]
    [InlineData("vit_b_16")]
    public void The_sculpt_declaration_is_no_longer_than_torchvision_s_source(string name)
    {
        int python = Counts().GetProperty("source_lines").GetProperty(name).GetInt32();
        int sculpt = SculptLines(name);
        Console.WriteLine($"{name}: Sculpt {sculpt} lines, torchvision {python}");
        Assert.InRange(sculpt, 20, python);
    }

    /// <summary>Code lines of a model's region in TorchvisionModels.cs: not blank, not a comment, not the region markers.</summary>
    private static int SculptLines(string region)
    {
        var lines = File.ReadAllLines(RepositoryPaths.Combine("tests", "Sculpt.Tests", "TorchvisionModels.cs"))
            .SkipWhile(l => l.Trim() != "#region " + region).Skip(1).TakeWhile(l => l.Trim() != "#endregion");
        return lines.Select(l => l.Trim()).Count(l => l.Length > 0 && !l.StartsWith("//", StringComparison.Ordinal));
    }

    /// <summary>Loads PyTorch's weights by name, runs the model in eval mode on PyTorch's input, and returns the largest difference relative to the output's scale.</summary>
    private double RelativeError(nn.Module<Tensor, Tensor> model, Func<string, WeightLoadReport> load, string name)
    {
        var report = load(Path.Combine(references.Folder, name + ".safetensors"));
        Assert.Empty(report.Missing);
        Assert.Empty(report.Misshaped);
        Assert.Empty(report.Unexpected);
        Assert.Equal(model.state_dict().Count, report.Loaded.Count);
        string ioPath = Path.Combine(references.Folder, name + ".io.safetensors");
        Dictionary<string, Tensor> io;
        using (var stream = File.OpenRead(ioPath)) io = SafeTensorsFile.Read(stream, ioPath);
        model.eval();
        using var _ = no_grad();
        using var output = model.call(io["input"]);
        var expected = io["output"];
        Assert.Equal(expected.shape, output.shape);
        double error = (output - expected).abs().max().item<float>() / expected.abs().max().item<float>();
        foreach (var tensor in io.Values) tensor.Dispose();
        Console.WriteLine($"{name}: largest difference {error:E2} of the output's scale");
        return error;
    }

    [Fact]
    public void Efficientnet_b0_counts_loads_and_computes_what_torchvision_does()
    {
        var config = new EfficientNetConfig();
        Assert.Equal(5_288_548, PyTorchCount("efficientnet_b0"));
        Assert.Equal(PyTorchCount("efficientnet_b0"), EfficientNetB0.CountParameters(config));
        using var model = new EfficientNetB0(config);
        Assert.Equal(model.parameters().Sum(p => p.numel()), model.ParameterCount);
        Assert.InRange(RelativeError(model, path => model.LoadWeights(path), "efficientnet_b0"), 0, 1e-4);
    }

    [Fact]
    public void Convnext_tiny_counts_loads_and_computes_what_torchvision_does()
    {
        var config = new ConvNextConfig();
        Assert.Equal(28_589_128, PyTorchCount("convnext_tiny"));
        Assert.Equal(PyTorchCount("convnext_tiny"), ConvNextTiny.CountParameters(config));
        using var model = new ConvNextTiny(config);
        Assert.Equal(model.parameters().Sum(p => p.numel()), model.ParameterCount);
        Assert.InRange(RelativeError(model, path => model.LoadWeights(path), "convnext_tiny"), 0, 1e-4);
    }

    [Fact]
    public void Convnext_tiny_multiply_adds_are_torchvision_s_published_4_46_billion()
    {
        var summary = ConvNextTiny.Summarize(new ConvNextConfig(), new Dictionary<string, long> { ["B"] = 1, ["H"] = 224, ["W"] = 224 });
        // Each downsampling block is sized from the shape it is given (its output shows H/2, not H).
        Assert.Equal("[1, 192, 28, 28]", summary.Concrete(summary.Rows.Single(r => r.Name == "Down1")));
        Assert.Equal(192L * 28 * 28 * 96 * 2 * 2, summary.Rows.Single(r => r.Name == "Down1").MultiplyAdds);
        // torchvision's model card gives 4.46 GFLOPS (multiply-adds) at 224x224.
        Assert.InRange(summary.TotalMultiplyAdds!.Value, 4.44e9, 4.48e9);
    }

    [Fact]
    public void Efficientnet_b0_multiply_adds_are_torchvision_s_published_0_39_billion()
    {
        var summary = EfficientNetB0.Summarize(new EfficientNetConfig(), new Dictionary<string, long> { ["B"] = 1, ["H"] = 224, ["W"] = 224 });
        // Each stage's blocks are sized one after another from their own strides and kernels (the first block of a stage
        // strides, the rest keep the size); what a stage returns sizes the next.
        string[] sizes = ["[1, 16, 112, 112]", "[1, 24, 56, 56]", "[1, 40, 28, 28]", "[1, 80, 14, 14]", "[1, 112, 14, 14]", "[1, 192, 7, 7]", "[1, 320, 7, 7]"];
        for (int stage = 1; stage <= 7; stage++)
        {
            Assert.Equal(sizes[stage - 1], summary.Concrete(summary.Rows.Single(r => r.Name == "Stage" + stage)));
        }
        Assert.DoesNotContain(summary.Rows, r => r.MultiplyAdds is null);
        // torchvision's model card gives 0.39 GFLOPS (multiply-adds) at 224x224.
        Assert.InRange(summary.TotalMultiplyAdds!.Value, 0.385e9, 0.395e9);
    }

    [Fact]
    public void Vit_b_16_multiply_adds_are_torchvision_s_published_17_56_billion()
    {
        var summary = VitB16.Summarize(new VitConfig(), new Dictionary<string, long> { ["B"] = 1 });
        // The patch convolution's kernel and stride are the Patch hyperparameter: 224/16 = 14 patches a side.
        Assert.Equal("[B, Dim, Image/Patch, Image/Patch]", Sculpt.Models.ModelSummary.Symbolic(summary.Rows.Single(r => r.Name == "Patchify")));
        Assert.Equal("[1, 768, 14, 14]", summary.Concrete(summary.Rows.Single(r => r.Name == "Patchify")));
        // The encoder's tokens are the patches and the class token: the Tokens size of the position table.
        Assert.Equal("[1, 197, 768]", summary.Concrete(summary.Rows.Single(r => r.Name == "Encoder")));
        // torchvision's model card gives 17.56 GFLOPS (multiply-adds, attention products included) at 224x224.
        Assert.InRange(summary.TotalMultiplyAdds!.Value, 17.54e9, 17.58e9);
    }

    [Fact]
    public void Vit_b_16_counts_loads_and_computes_what_torchvision_does()
    {
        var config = new VitConfig();
        Assert.Equal(86_567_656, PyTorchCount("vit_b_16"));
        Assert.Equal(PyTorchCount("vit_b_16"), VitB16.CountParameters(config));
        using var model = new VitB16(config);
        Assert.Equal(model.parameters().Sum(p => p.numel()), model.ParameterCount);
        Assert.InRange(RelativeError(model, path => model.LoadWeights(path), "vit_b_16"), 0, 1e-4);
    }

    [Fact]
    public void The_dcgan_generator_and_the_unet_match_their_pytorch_definitions()
    {
        var config = new GeneratorConfig();
        Assert.Equal(PyTorchCount("dcgan_generator"), DcganGenerator.CountParameters(config));
        using var generator = new DcganGenerator(config);
        Assert.InRange(RelativeError(generator, path => generator.LoadWeights(path), "dcgan_generator"), 0, 1e-4);

        Assert.Equal(PyTorchCount("tiny_unet"), TinyUNet.CountParameters());
        using var unet = new TinyUNet();
        Assert.InRange(RelativeError(unet, path => unet.LoadWeights(path), "tiny_unet"), 0, 1e-4);
    }
}

/// <summary>
/// The reference script's output, made once for the test class into a fresh folder (about 30 s; vit_b_16's weights
/// are 346 MB) and removed afterwards.
/// </summary>
public sealed class TorchvisionReferences : IDisposable
{
    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "sculpt-torchvision-" + Guid.NewGuid().ToString("N"));

    public TorchvisionReferences()
    {
        Directory.CreateDirectory(Folder);
        string script = Path.Combine(AppContext.BaseDirectory, "References", "torchvision_reference.py");
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(Folder);
        using var python = Process.Start(start)!;
        var output = python.StandardOutput.ReadToEndAsync();
        string errors = python.StandardError.ReadToEnd();
        python.WaitForExit();
        output.Wait();
        if (python.ExitCode != 0)
            throw new InvalidOperationException($"{script} failed (it needs Debian's python3-torch and python3-torchvision, which .ci/run installs): {errors}");
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
