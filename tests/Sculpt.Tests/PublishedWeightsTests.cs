using System.Collections.Generic;
using System.IO;
using System.Linq;
using Sculpt.Checkpoints;
using Xunit;
using static TorchSharp.torch;

namespace Sculpt.Tests;

/// <summary>Loading weights by name: what fits is copied, what does not is named, and a refused file changes nothing.</summary>
public class PublishedWeightsTests
{
    private static string Write(params (string Name, Tensor Tensor)[] tensors)
    {
        string path = Path.Combine(Path.GetTempPath(), $"sculpt-weights-{System.Guid.NewGuid():N}.safetensors");
        using var stream = File.Create(path);
        SafeTensorsFile.Write(stream, tensors);
        return path;
    }

    [Fact]
    public void Renamed_weights_load_into_dotted_state_names()
    {
        using var model = new DcganGenerator(new GeneratorConfig { Latent = 3, Features = 1, Channels = 1 });
        var file = model.state_dict().Select(p => ("net." + p.Key.Replace("main.", "layers."), p.Value.clone().fill_(0.25))).ToArray();
        string path = Write(file);
        var report = PublishedWeights.Load(model, path, [(@"^net\.layers\.", "main.")]);
        Assert.Equal(model.state_dict().Count, report.Loaded.Count);
        Assert.Empty(report.Missing);
        Assert.Empty(report.Unexpected);
        Assert.All(model.parameters(), p => Assert.Equal(0.25f, p.mean().item<float>(), 6));
    }

    [Fact]
    public void A_mis_shaped_tensor_refuses_the_file_and_nothing_is_copied()
    {
        using var model = new DcganGenerator(new GeneratorConfig { Latent = 3, Features = 1, Channels = 1 });
        var before = model.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());
        var file = model.state_dict().Select(p => (p.Key, p.Key == "main.3.weight" ? zeros(7, 7) : p.Value.clone().fill_(2))).ToList();
        file.Add(("extra.bias", zeros(2)));
        string path = Write(file.ToArray());
        var problem = Assert.Throws<InvalidDataException>(() => PublishedWeights.Load(model, path));
        Assert.Contains("main.3.weight: file [7, 7], model [", problem.Message);
        Assert.Contains("unexpected: extra.bias", problem.Message);
        Assert.All(model.state_dict(), p => Assert.True(p.Value.eq(before[p.Key]).all().item<bool>(), p.Key));
    }

    [Fact]
    public void Missing_tensors_refuse_the_file_unless_allowed_and_are_named()
    {
        using var model = new DcganGenerator(new GeneratorConfig { Latent = 3, Features = 1, Channels = 1 });
        var file = model.state_dict().Where(p => !p.Key.StartsWith("main.12.")).Select(p => (p.Key, p.Value.clone())).ToArray();
        string path = Write(file);
        var problem = Assert.Throws<InvalidDataException>(() => PublishedWeights.Load(model, path));
        Assert.Contains("1 missing", problem.Message);
        Assert.Contains("missing: main.12.weight", problem.Message);
        var report = model.LoadWeights(path, allowMissing: true);
        Assert.Equal(["main.12.weight"], report.Missing);
    }

    [Fact]
    public void Two_names_renamed_to_one_are_refused()
    {
        using var model = new TinyUNet();
        string path = Write(("a.weight", zeros(1)), ("b.weight", zeros(1)));
        var problem = Assert.Throws<InvalidDataException>(() => PublishedWeights.Load(model, path, [(@"^[ab]\.", "Down1.")]));
        Assert.Contains("'a.weight' and 'b.weight' are both renamed to 'Down1.weight'", problem.Message);
    }

    [Fact]
    public void A_learned_tensor_under_a_dotted_name_is_the_registered_one()
    {
        using var model = new VitB16(new VitConfig { Image = 32, Patch = 16, Dim = 8, Heads = 2, Mlp = 16, Depth = 1, Classes = 3 });
        var names = model.state_dict().Keys.ToList();
        Assert.Contains("encoder.pos_embedding", names);
        Assert.Contains("encoder.layers.0.self_attention.Qkv.weight", names);
        Assert.Contains("heads.head.weight", names);
        Assert.Equal(model.parameters().Sum(p => p.numel()), model.ParameterCount);
        model.eval();
        using var image = randn(2, 3, 32, 32);
        using var logits = model.call(image);
        Assert.Equal(new long[] { 2, 3 }, logits.shape);
    }
}
