using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using Sculpt.Checkpoints;
using Sculpt.HyperParameters;
using Sculpt.Optimization;
using Sculpt.Testing;
using Sculpt.Training;
using Xunit;
using static TorchSharp.torch;

namespace Sculpt.Tests;

[HyperParameters]
public partial record TunedConfig : TrainingHyperParameters
{
    [Range(2, 10)] public int Classes { get; init; } = 3;
    public override int Epochs { get; init; } = 2;
    public override int BatchSize { get; init; } = 32;
}

/// <summary>A body, a batch norm and a head whose width the config sets: what fine-tuning replaces and freezes.</summary>
[Model(typeof(TunedConfig))]
public partial class TunedNet
{
    [Linear(12, 16)] private partial Tensor Body(Tensor x);
    [BatchNorm1d(16)] private partial Tensor Norm(Tensor x);
    [Linear(16, "Classes")] private partial Tensor Head(Tensor x);

    [Forward("B 3 2 2 -> B Classes")]
    public Tensor Forward(Tensor x) => Head(Ops.Relu(Norm(Body(Ops.Flatten(x)))));
}

[Trainer(Loss.CrossEntropy, Optimizer.AdamW)]
public partial class TunedTrainer : Trainer<TunedNet, Blobs, TunedConfig>;

/// <summary>Starting from trained weights (Sculpt's or PyTorch's), fresh heads, frozen components and unfreezing.</summary>
public class FineTuningTests
{
    private static readonly string Interop = RepositoryPaths.Combine("tests", "Sculpt.Tests", "References", "interop");

    private static Dictionary<string, Tensor> Snapshot(TunedTrainer trainer) =>
        trainer.Model.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().clone());

    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    private static string SaveWeights(TunedTrainer trainer)
    {
        string path = Path.Combine(Path.GetTempPath(), $"sculpt-tuned-{System.Guid.NewGuid():N}.safetensors");
        using var stream = File.Create(path);
        SafeTensorsFile.Write(stream, trainer.Model.state_dict().Select(p => (p.Key, p.Value)).ToList());
        return path;
    }

    [Fact]
    public void Frozen_components_keep_every_value_and_take_no_room_in_the_optimizer()
    {
        var data = new Blobs().Load(3);
        using var trainer = new TunedTrainer(new TunedConfig { Freeze = "Body,Norm" });
        var before = Snapshot(trainer);
        trainer.Fit(data.Train, data.Validation, SilentProgress.Instance);
        var after = Snapshot(trainer);
        // Weights and batch-norm statistics of the frozen part, bit for bit; the head trained.
        foreach (var name in before.Keys.Where(n => n.StartsWith("Body.") || n.StartsWith("Norm.")))
            Assert.True(Same(before[name], after[name]), name);
        Assert.False(Same(before["Head.weight"], after["Head.weight"]));
        // Only the head is in the flat buffers, and so in the optimizer's state.
        var slots = trainer.FusedOptimizer.Parameters.Slots;
        Assert.Equal(["Head.bias", "Head.weight"], slots.Select(s => s.Name).Order());
        // Moments as long as the flat buffer (a step counter apart), which is shorter than the frozen body alone.
        Assert.All(trainer.FusedOptimizer.State.Values.Where(b => b.numel() > 1), buffer => Assert.Equal(trainer.FusedOptimizer.Parameters.Count, buffer.numel()));
        Assert.True(trainer.FusedOptimizer.Parameters.Count < 12 * 16);
        Assert.Equal(12 * 16 + 16 + 16 + 16, trainer.FrozenParameterCount);
        Assert.All(trainer.Model.named_parameters().Where(p => !p.name.StartsWith("Head.")), p => Assert.Null(p.parameter.grad));
    }

    [Fact]
    public void Freezing_all_but_the_fresh_components_trains_a_new_head_alone()
    {
        using var trainer = new TunedTrainer(new TunedConfig { Freeze = "*", Fresh = "Head" });
        Assert.Equal(12 * 16 + 16 + 16 + 16, trainer.FrozenParameterCount);
        var problem = Assert.Throws<HyperParameterException>(() => new TunedTrainer(new TunedConfig { Freeze = "*" }));
        Assert.Contains("--fresh", problem.Message);
    }

    [Fact]
    public void A_component_that_does_not_exist_is_refused_with_the_model_s_components()
    {
        var problem = Assert.Throws<HyperParameterException>(() => new TunedTrainer(new TunedConfig { Freeze = "Body,Bdy" }));
        Assert.Equal("Option '--freeze': the model has no component 'Bdy'; its components: Body, Norm, Head (a dotted name such as features.3 names a part of one).", problem.Message);
        // A prefix of a name is no component: Hea is not Head.
        Assert.Throws<HyperParameterException>(() => new TunedTrainer(new TunedConfig { Fresh = "Hea" }));
    }

    [Fact]
    public void Unfreezing_trains_every_component_from_that_epoch_and_a_resumed_run_ends_the_same()
    {
        var data = new Blobs().Load(3);
        var config = new TunedConfig { Freeze = "Body", UnfreezeAt = 2, Epochs = 3 };
        string whole = Directory.CreateTempSubdirectory("sculpt-unfreeze-").FullName;
        string parts = Directory.CreateTempSubdirectory("sculpt-unfreeze-").FullName;
        try
        {
            using var trainer = new TunedTrainer(config);
            var start = Snapshot(trainer);
            var steps = new List<long>();
            var result = trainer.Fit(data.Train, data.Validation, SilentProgress.Instance, new FitOptions { CheckpointFolder = whole });
            Assert.False(Same(start["Body.weight"], trainer.Model.state_dict()["Body.weight"]));
            Assert.Equal(0, trainer.FrozenParameterCount);
            Assert.Contains(trainer.FusedOptimizer.Parameters.Slots, s => s.Name == "Body.weight");
            var expected = Snapshot(trainer);

            // Stopped in epoch 1 (frozen), resumed; stopped again in epoch 2 (unfrozen), resumed: the same weights at the end.
            long stepsPerEpoch = result.Epochs[0].Step;
            string? checkpoint = null;
            foreach (long stop in new[] { stepsPerEpoch / 2, stepsPerEpoch + stepsPerEpoch / 2, 0L })
            {
                using var part = new TunedTrainer(config);
                var options = new FitOptions { CheckpointFolder = parts, ResumeFrom = checkpoint, StopAfterStep = stop };
                checkpoint = part.Fit(data.Train, data.Validation, SilentProgress.Instance, options).LastCheckpoint;
                if (stop != 0) continue;
                foreach (var (name, tensor) in part.Model.state_dict()) Assert.True(Same(expected[name], tensor), name);
            }
        }
        finally
        {
            Directory.Delete(whole, recursive: true);
            Directory.Delete(parts, recursive: true);
        }
    }

    [Fact]
    public void Init_from_loads_trained_weights_and_a_fresh_head_of_another_width_starts_from_its_initialiser()
    {
        var data = new Blobs().Load(3);
        using var source = new TunedTrainer(new TunedConfig { Epochs = 1 });
        source.Fit(data.Train, data.Validation, SilentProgress.Instance);
        string path = SaveWeights(source);
        try
        {
            using var same = new TunedTrainer(new TunedConfig { InitFrom = path });
            foreach (var (name, tensor) in source.Model.state_dict()) Assert.True(Same(tensor, same.Model.state_dict()[name]), name);
            Assert.Equal(source.Model.state_dict().Count, same.InitReport!.Loaded.Count);

            using var wider = new TunedTrainer(new TunedConfig { InitFrom = path, Classes = 5, Fresh = "Head" });
            Assert.Equal(["Head.bias", "Head.weight"], wider.InitReport!.Fresh.Order());
            Assert.Empty(wider.InitReport.Unexpected);
            Assert.True(Same(source.Model.state_dict()["Body.weight"], wider.Model.state_dict()["Body.weight"]));
            using var untouched = new TunedTrainer(new TunedConfig { Classes = 5 });
            Assert.True(Same(untouched.Model.state_dict()["Head.weight"], wider.Model.state_dict()["Head.weight"]));

            var refused = Assert.Throws<InvalidDataException>(() => new TunedTrainer(new TunedConfig { InitFrom = path, Classes = 5 }));
            Assert.StartsWith("Option '--init-from': '", refused.Message);
            Assert.Contains("Head.weight: file [3, 16], model [5, 16]", refused.Message);
            Assert.Contains("--fresh", refused.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("tuned.pt")]
    [InlineData("tuned.safetensors")]
    public void A_model_trained_in_PyTorch_loads_and_gives_PyTorch_s_outputs(string file)
    {
        using var trainer = new TunedTrainer(new TunedConfig { InitFrom = Path.Combine(Interop, file) });
        // PyTorch's batch-step counter has no place in TorchSharp's batch norm when TorchSharp keeps none.
        Assert.All(trainer.InitReport!.Unexpected, name => Assert.EndsWith("num_batches_tracked", name));
        var reference = JsonDocument.Parse(File.ReadAllText(Path.Combine(Interop, "tuned.json"))).RootElement;
        var expected = reference.GetProperty("outputs").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        trainer.Model.eval();
        using var noGrad = no_grad();
        var outputs = trainer.Model.call(Inputs()).reshape(-1).data<float>().ToArray();
        Assert.Equal(expected.Length, outputs.Length);
        for (int i = 0; i < expected.Length; i++) Assert.True(System.Math.Abs(expected[i] - outputs[i]) <= 1e-5, $"output {i}: PyTorch {expected[i]}, Sculpt {outputs[i]}");
    }

    [Fact]
    public void A_model_trained_in_Sculpt_loads_into_PyTorch_and_gives_the_same_outputs()
    {
        var data = new Blobs().Load(3);
        using var trainer = new TunedTrainer(new TunedConfig { Epochs = 1 });
        trainer.Fit(data.Train, data.Validation, SilentProgress.Instance);
        trainer.Model.eval();
        float[] outputs;
        using (no_grad()) outputs = trainer.Model.call(Inputs()).reshape(-1).data<float>().ToArray();
        string weights = SaveWeights(trainer);
        string recorded = Path.ChangeExtension(weights, ".json");
        File.WriteAllText(recorded, JsonSerializer.Serialize(new { outputs, shape = new[] { 5, 3 } }));
        try
        {
            var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[] { Path.Combine(Interop, "..", "pytorch_interop.py"), "check", weights, recorded }) start.ArgumentList.Add(argument);
            using var process = Process.Start(start)!;
            string text = process.StandardOutput.ReadToEnd();
            string errors = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"pytorch_interop.py check failed (it needs Debian's python3-torch, which .ci/run installs): {errors}");
            double difference = JsonDocument.Parse(text).RootElement.GetProperty("max_difference").GetDouble();
            Assert.True(difference <= 1e-5, $"PyTorch's outputs differ from Sculpt's by {difference}");
        }
        finally
        {
            File.Delete(weights);
            File.Delete(recorded);
        }
    }

    [Fact]
    public void Lora_adds_rank_times_inputs_plus_outputs_per_layer_and_trains_only_the_adapters()
    {
        var data = new Blobs().Load(3);
        using var trainer = new TunedTrainer(new TunedConfig { Lora = "Body,Head", LoraRank = 2, Epochs = 3 });
        Assert.Equal(["Body", "Head"], trainer.Adapted);
        Assert.Equal(2 * (12 + 16) + 2 * (16 + 3), trainer.TrainableParameterCount);
        Assert.Equal(12 * 16 + 16 + 16 + 16 + 16 * 3 + 3, trainer.FrozenParameterCount);
        // An adapter starts at zero: the adapted model computes what the model does.
        using var plain = new TunedTrainer(new TunedConfig());
        trainer.Model.eval();
        plain.Model.eval();
        using (no_grad()) Assert.True(Same(plain.Model.call(Inputs()), trainer.Model.call(Inputs())));
        var before = Snapshot(trainer);
        var result = trainer.Fit(data.Train, data.Validation, SilentProgress.Instance);
        Assert.True(result.Epochs[^1].TrainLoss < result.Epochs[0].TrainLoss);
        var after = Snapshot(trainer);
        foreach (var name in before.Keys.Where(n => !n.Contains(".lora.")))
            Assert.True(Same(before[name], after[name]), name);
        Assert.False(Same(before["Body.lora.B"], after["Body.lora.B"]));
        Assert.Equal(["Body.lora.A", "Body.lora.B", "Head.lora.A", "Head.lora.B"], trainer.FusedOptimizer.Parameters.Slots.Select(s => s.Name).Order());
    }

    [Fact]
    public void Merged_adapters_give_a_plain_model_the_adapted_model_s_outputs()
    {
        var data = new Blobs().Load(3);
        using var trainer = new TunedTrainer(new TunedConfig { Lora = "*", LoraRank = 4, Epochs = 2 });
        trainer.Fit(data.Train, data.Validation, SilentProgress.Instance);
        trainer.Model.eval();
        using var noGrad = no_grad();
        var adapted = trainer.Model.call(Inputs());
        var merged = Sculpt.Layers.LowRankAdapters.Merged(trainer.Model);
        Assert.DoesNotContain(merged.Keys, k => k.Contains("lora"));
        using var plain = new TunedTrainer(new TunedConfig());
        foreach (var (name, target) in plain.Model.state_dict()) target.copy_(merged[name]);
        plain.Model.eval();
        var outputs = plain.Model.call(Inputs());
        Assert.True(adapted.allclose(outputs, rtol: 0, atol: 1e-5), $"largest difference {(adapted - outputs).abs().max().item<float>()}");
        Assert.False(Same(merged["Body.weight"], plain.Model.state_dict()["Body.weight"].zero_()));
    }

    [Fact]
    public void Lora_on_a_component_without_linear_layers_is_refused_with_the_linear_layers()
    {
        var problem = Assert.Throws<HyperParameterException>(() => new TunedTrainer(new TunedConfig { Lora = "Norm" }));
        Assert.Equal("Option '--lora': 'Norm' holds no linear layer to adapt; the model's linear layers: Body, Head.", problem.Message);
    }

    private static ParameterGroup GroupOf(string name) =>
        name.StartsWith("Body.") ? new ParameterGroup(0.1, 0.5) : name.StartsWith("Head.") ? new ParameterGroup(2.0) : ParameterGroup.Default;

    /// <summary>Every slot's values, gradients, rate scale and decay, for checking one step of an optimizer by hand.</summary>
    private static List<(string Name, float[] Value, float[] Gradient, double Scale, double Decay)> Before(FlatParameters flat, double weightDecay)
    {
        // Gradients of every sign and size, the same on every run.
        using (no_grad()) flat.Gradients.copy_(sin(arange(flat.Count, dtype: float32) * 0.37f) * 0.5f);
        return flat.Slots.Select(slot =>
        {
            var group = flat.Groups.Single(g => slot.Offset >= g.Start && slot.Offset < g.End).Settings;
            float[] Read(Tensor buffer) => buffer.narrow(0, slot.Offset, slot.Elements).data<float>().ToArray();
            return (slot.Name, Read(flat.Values), Read(flat.Gradients), group.RateScale, slot.Decays ? group.WeightDecay ?? weightDecay : 0.0);
        }).ToList();
    }

    [Fact]
    public void Parameter_groups_take_sgd_steps_at_their_own_rates_and_decays()
    {
        using var model = new TunedNet(new TunedConfig());
        using var flat = new FlatParameters(model, groupOf: GroupOf);
        Assert.Equal(3, flat.Groups.Count);
        using var sgd = new FusedSgd(flat, learningRate: 0.01, weightDecay: 0.1);
        var before = Before(flat, 0.1);
        sgd.Step();
        foreach (var (name, value, gradient, scale, decay) in before)
        {
            var after = model.state_dict()[name].reshape(-1).data<float>().ToArray();
            for (int i = 0; i < value.Length; i++)
                Assert.True(System.Math.Abs(value[i] - 0.01 * scale * (gradient[i] + decay * value[i]) - after[i]) <= 1e-6, $"{name}[{i}]");
        }
    }

    [Fact]
    public void Parameter_groups_take_adamw_steps_at_their_own_rates_and_decays()
    {
        using var model = new TunedNet(new TunedConfig());
        using var flat = new FlatParameters(model, groupOf: GroupOf);
        using var adamw = new FusedAdam(flat, learningRate: 0.01, weightDecay: 0.1);
        var before = Before(flat, 0.1);
        adamw.Step();
        // AdamW's first step: the decay shrinks the weight, then the step is the rate times g / (|g| + eps).
        foreach (var (name, value, gradient, scale, decay) in before)
        {
            var after = model.state_dict()[name].reshape(-1).data<float>().ToArray();
            for (int i = 0; i < value.Length; i++)
                Assert.True(System.Math.Abs(value[i] * (1 - 0.01 * scale * decay) - 0.01 * scale * gradient[i] / (System.Math.Abs(gradient[i]) + 1e-8) - after[i]) <= 1e-6, $"{name}[{i}]");
        }
    }

    [Fact]
    public void Learning_rates_by_component_reach_the_trainer_s_optimizer()
    {
        var data = new Blobs().Load(3);
        using var trainer = new TunedTrainer(new TunedConfig { LearningRates = "Body=0,Norm=0", Epochs = 1 });
        var before = Snapshot(trainer);
        trainer.Fit(data.Train, data.Validation, SilentProgress.Instance);
        var after = Snapshot(trainer);
        Assert.True(Same(before["Body.weight"], after["Body.weight"]));
        Assert.False(Same(before["Head.weight"], after["Head.weight"]));
        Assert.Equal(2, trainer.FusedOptimizer.Parameters.Groups.Count);
        var problem = Assert.Throws<HyperParameterException>(() => new TunedTrainer(new TunedConfig { LearningRates = "Body:1e-4" }));
        Assert.Equal("Option '--learning-rates': 'Body:1e-4' is not NAME=NUMBER with a number of 0 or more, e.g. Body=1e-4,Head=1e-3.", problem.Message);
        Assert.Throws<HyperParameterException>(() => new TunedTrainer(new TunedConfig { WeightDecays = "Bdy=0" }));
    }

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = TrainerCommandLine.Run<TunedTrainer, TunedNet, Blobs, TunedConfig>("TunedTrainer", args, static (config, device) => new TunedTrainer(config, device), output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void The_command_line_fine_tunes_from_a_PyTorch_file_and_says_what_it_loaded_and_froze()
    {
        string folder = Directory.CreateTempSubdirectory("sculpt-tune-").FullName;
        try
        {
            var (code, output, error) = Run("--init-from", Path.Combine(Interop, "tuned.pt"), "--classes", "4", "--fresh", "Head", "--freeze", "*",
                "--unfreeze-at", "2", "--epochs", "2", "--output", folder, "--threads", "1");
            Assert.True(code == ExitCodes.Success, error);
            Assert.Contains($"{16 * 4 + 4:N0} trainable = 22.1%, {12 * 16 + 16 + 16 + 16:N0} frozen until epoch 2", output);
            Assert.True(output.Contains("initialised from " + Path.Combine(Interop, "tuned.pt") + ": 7 loaded, 0 missing, 0 unexpected"), output);
            Assert.Contains("fresh: Head.", output);
            Assert.Contains("epoch 2: the frozen components train from here (--unfreeze-at 2)", output);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_LoRA_run_saves_its_adapters_alone_and_merged_weights_a_plain_model_loads()
    {
        string folder = Directory.CreateTempSubdirectory("sculpt-lora-").FullName;
        try
        {
            var (code, output, error) = Run("--init-from", Path.Combine(Interop, "tuned.pt"), "--lora", "*", "--lora-rank", "2", "--epochs", "1", "--output", folder, "--threads", "1");
            Assert.True(code == ExitCodes.Success, error);
            // The line docs/fine-tuning.md shows.
            Assert.Contains("TunedTrainer on cpu (1 thread), 385 parameters (94 trainable = 24.4%, 291 frozen, LoRA rank 2 on 2 layer(s))", output);
            var adapters = PublishedWeights.Read(Path.Combine(folder, "adapters.safetensors"));
            Assert.Equal(["Body.lora.A", "Body.lora.B", "Head.lora.A", "Head.lora.B"], adapters.Keys.Order());
            using var plain = new TunedTrainer(new TunedConfig { InitFrom = Path.Combine(folder, "merged.safetensors") });
            Assert.Empty(plain.InitReport!.Missing);
            Assert.Empty(plain.InitReport.Unexpected);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_LoRA_run_s_checkpoints_hold_only_the_adapters_and_resume_exactly_onto_the_same_base_alone()
    {
        var data = new Blobs().Load(3);
        var config = new TunedConfig { InitFrom = Path.Combine(Interop, "tuned.pt"), Lora = "*", LoraRank = 2 };
        string whole = Directory.CreateTempSubdirectory("sculpt-lora-checkpoints-").FullName;
        string parts = Directory.CreateTempSubdirectory("sculpt-lora-checkpoints-").FullName;
        try
        {
            using var trainer = new TunedTrainer(config);
            var result = trainer.Fit(data.Train, data.Validation, SilentProgress.Instance, new FitOptions { CheckpointFolder = whole });
            var expected = Snapshot(trainer);
            string best = Path.Combine(whole, "best");
            var saved = PublishedWeights.Read(Path.Combine(best, Checkpoint.ModelFile));
            Assert.Equal(["Body.lora.A", "Body.lora.B", "Head.lora.A", "Head.lora.B"], saved.Keys.Order());
            Assert.Equal(Path.Combine(Interop, "tuned.pt"), Checkpoint.ReadState(best).Base!.From);

            // Stopped halfway through epoch 1, resumed from the adapters-only checkpoint: the same weights at the end.
            string? checkpoint = null;
            foreach (long stop in new[] { result.Epochs[0].Step / 2, 0L })
            {
                using var part = new TunedTrainer(config);
                checkpoint = part.Fit(data.Train, data.Validation, SilentProgress.Instance, new FitOptions { CheckpointFolder = parts, ResumeFrom = checkpoint, StopAfterStep = stop }).LastCheckpoint;
                if (stop != 0) continue;
                foreach (var (name, tensor) in part.Model.state_dict()) Assert.True(Same(expected[name], tensor), name);
            }

            // Onto another base (here the seeded initialisation) it is refused, not loaded into the wrong weights.
            using var other = new TunedTrainer(config with { InitFrom = "" });
            var refused = Assert.Throws<InvalidDataException>(() => Checkpoint.LoadWeights(best, other.Model));
            string expectedMessage = $"holds only what its run trained, over the frozen base from '{Path.Combine(Interop, "tuned.pt")}' (9 tensors), and the model's differ from those";
            Assert.True(refused.Message.Contains(expectedMessage), refused.Message);
            // A new run cannot start from it alone; it is told where the whole model is.
            refused = Assert.Throws<InvalidDataException>(() => PublishedWeights.Read(best));
            Assert.Contains("start from the run's merged.safetensors", refused.Message);
        }
        finally
        {
            Directory.Delete(whole, recursive: true);
            Directory.Delete(parts, recursive: true);
        }
    }

    [Fact]
    public void Bad_fine_tuning_flags_end_in_one_line_that_names_the_flag()
    {
        var (code, output, error) = Run("--init-from", "no-such-weights.pt");
        Assert.Equal(ExitCodes.Data, code);
        Assert.StartsWith("error: Option '--init-from': Cannot read the weights 'no-such-weights.pt'", error);
        Assert.Single(error.TrimEnd().Split('\n'));

        (code, _, error) = Run("--init-from", Path.Combine(Interop, "tuned.json"));
        Assert.Equal(ExitCodes.Data, code);
        Assert.StartsWith("error: Option '--init-from': ", error);
        Assert.DoesNotContain("   at ", error);

        (code, _, error) = Run("--init-from", Interop);
        Assert.Equal(ExitCodes.Data, code);
        Assert.Contains("holds no model.safetensors", error);

        (code, _, error) = Run("--init-from", Path.Combine(Interop, "tuned.pt"), "--classes", "4");
        Assert.Equal(ExitCodes.Data, code);
        Assert.Contains("Head.weight: file [3, 16], model [4, 16]", error);

        (code, _, error) = Run("--freeze", "Bdy");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.StartsWith("error: Option '--freeze': the model has no component 'Bdy'", error);
    }

    /// <summary>The inputs pytorch_interop.py builds: a closed formula, rounded once to float32.</summary>
    private static Tensor Inputs() =>
        tensor(Enumerable.Range(0, 60).Select(i => (float)((i * 37 % 101) / 50.0 - 1.0)).ToArray(), [5, 3, 2, 2]);
}
