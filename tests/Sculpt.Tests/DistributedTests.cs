using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Sculpt.Data;
using Sculpt.Training;
using Xunit;
using static TorchSharp.torch;

namespace Sculpt.Tests;

/// <summary>Blobs as 1 x 8 x 8 images: each class a bright patch in its own corner, over noise.</summary>
public sealed class PatchImages : IDataSource
{
    public DataSplits Load(int seed)
    {
        Tensor images, labels;
        using (NewDisposeScope())
        {
            using var generator = new Generator((ulong)seed);
            var classes = arange(600, dtype: int64) % 3;
            var noise = randn(new long[] { 600, 1, 8, 8 }, generator: generator);
            var patches = zeros(3, 1, 8, 8);
            patches[0, 0, TensorIndex.Slice(0, 3), TensorIndex.Slice(0, 3)] = tensor(2f);
            patches[1, 0, TensorIndex.Slice(5, 8), TensorIndex.Slice(0, 3)] = tensor(2f);
            patches[2, 0, TensorIndex.Slice(0, 3), TensorIndex.Slice(5, 8)] = tensor(2f);
            images = (noise + patches.index_select(0, classes)).MoveToOuterDisposeScope();
            labels = classes.MoveToOuterDisposeScope();
        }
        using var all = new TensorDataset(images, labels);
        var (train, validation) = all.Split(0.2, seed);
        return new DataSplits(train, validation);
    }
}

/// <summary>
/// A convolution with batch norm: what synchronised batch norm is for. Without a bias, as convolutions before batch norm
/// are written: the norm takes away any bias, whose gradient is then rounding noise that Adam would turn into full steps.
/// </summary>
[Model(typeof(MlpConfig))]
public partial class NormedCnn
{
    [Conv2d(1, 4, 3, Padding = 1, Bias = false)] private partial Tensor Conv(Tensor x);
    [BatchNorm2d(4)] private partial Tensor Norm(Tensor x);
    [MaxPool2d(2)] private partial Tensor Pool(Tensor x);
    [Linear(64, 3)] private partial Tensor Classify(Tensor x);

    [Forward("B 1 8 8 -> B 3")]
    public Tensor Forward(Tensor x) => Classify(Ops.Flatten(Pool(Ops.Relu(Norm(Conv(x))))));
}

[Trainer(Loss.CrossEntropy, Optimizer.AdamW)]
public partial class NormedCnnTrainer : Trainer<NormedCnn, PatchImages, MlpConfig>;

/// <summary>Windows of 64 tokens (TinyGpt's context) cut from a repeating 7-token cycle.</summary>
public sealed class CyclicWindows : IDataSource
{
    public DataSplits Load(int seed) => CyclicText.Windows(200, 64, 90, 0.2, seed);
}

/// <summary>The TinyGpt example's model and hyperparameters, on windows a test makes.</summary>
[Trainer(Loss.CrossEntropy, Optimizer.AdamW)]
public partial class CyclicGptTrainer : Trainer<TinyGpt.Gpt, CyclicWindows, TinyGpt.GptConfig>;

/// <summary>
/// A <see cref="BlobTrainer"/> whose rank 1 of an MPI job, before step <c>after + 1</c>, kills itself (SIGKILL) or,
/// with <paramref name="hang"/>, stops dead without ending.
/// </summary>
public sealed class CrashingBlobTrainer(MlpConfig config, Device device, long after, bool hang = false) : BlobTrainer(config, device)
{
    private long _steps;

    public override Tensor TrainStep(Tensor input, Tensor target)
    {
        // Hydra, MPICH's launcher, gives each process its rank.
        if (++_steps > after && Environment.GetEnvironmentVariable("PMI_RANK") == "1")
        {
            if (hang) System.Threading.Thread.Sleep(System.Threading.Timeout.Infinite);
            Process.GetCurrentProcess().Kill();
        }
        return base.TrainStep(input, target);
    }
}

/// <summary>
/// Data-parallel training across processes started by MPICH's <c>mpiexec</c> (Debian's <c>mpich</c>, which .ci/run
/// installs): N processes with a global batch train the same weights as one process with that batch.
/// </summary>
public sealed class DistributedTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sculpt-distributed-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    // 20 steps: 480 training rows in batches of 48, or 160 windows in batches of 16, for 2 epochs.
    public static TheoryData<string, string> Models => new()
    {
        { "--blobs", "--batch-size 48 --dropout 0" },
        { "--cnn", "--batch-size 48" },
        { "--gpt", "--batch-size 16" },
    };

    /// <summary>
    /// Float32 sums in another order (two half-batch means added, instead of one mean; matrix products over half the
    /// rows) differ in the last bits, and 20 AdamW steps carry that on: Adam divides by the gradient's running size, so a
    /// relative error of 1e-7 in a gradient becomes one of the same size in the step, at most about lr = 1e-3 per step.
    /// Measured: at most about 1e-6; 1e-4 leaves room and is still far below what one step changes (about 1e-3).
    /// </summary>
    private const double Tolerance = 1e-4;

    [Theory]
    [MemberData(nameof(Models))]
    public void Two_processes_with_a_shared_batch_train_the_weights_of_one_with_the_whole_batch(string model, string flags)
    {
        string[] common = [model, .. flags.Split(' '), "--epochs", "2"];
        var alone = TrainerProcess.Run(_folder, [.. common, "--output", "one"]);
        Assert.True(alone.Code == 0, alone.Error);
        var two = TrainerProcess.RunDistributed(_folder, 2, [.. common, "--distributed", "--sync-batch-norm", "--output", "two"]);
        Assert.True(two.Code == 0, two.Output + two.Error);

        Assert.Contains("distributed: 2 processes", two.Output);
        // Rank 1 prints nothing: one summary line for the job.
        Assert.Single(two.Output.Split('\n'), line => line.StartsWith("done in", StringComparison.Ordinal));
        var differences = Differences(model, Path.Combine(_folder, "one", "model.dat"), Path.Combine(_folder, "two", "model.dat"));
        Assert.True(differences[0].Difference < Tolerance, string.Join("; ", differences.Take(4).Select(d => $"{d.Name} {d.Difference:G3}")));
        // Evaluation is shared too, and gives the single process's numbers.
        var lossesAlone = ValidationLosses(Path.Combine(_folder, "one"));
        var lossesTwo = ValidationLosses(Path.Combine(_folder, "two"));
        Assert.Equal(2, lossesTwo.Count);
        for (int epoch = 0; epoch < 2; epoch++) Assert.Equal(lossesAlone[epoch], lossesTwo[epoch], Tolerance);
    }

    [Fact]
    public void Without_synchronised_batch_norm_each_process_normalises_its_own_rows()
    {
        // What --sync-batch-norm changes, so that the test above can tell: per-process statistics train other weights.
        string[] common = ["--cnn", "--batch-size", "48", "--epochs", "1"];
        Assert.Equal(0, TrainerProcess.Run(_folder, [.. common, "--output", "one"]).Code);
        var two = TrainerProcess.RunDistributed(_folder, 2, [.. common, "--distributed", "--output", "two"]);
        Assert.True(two.Code == 0, two.Error);
        var difference = LargestDifference("--cnn", Path.Combine(_folder, "one", "model.dat"), Path.Combine(_folder, "two", "model.dat"));
        Assert.True(difference > 10 * Tolerance, $"largest weight difference {difference:G3}");
    }

    [Fact]
    public void Three_processes_share_batches_that_do_not_divide_evenly()
    {
        // A batch of 50 is 17, 17 and 16 rows; 480 % 50 leaves a last batch of 30 (10 each); 120 validation rows are 40 each.
        string[] common = ["--blobs", "--batch-size", "50", "--dropout", "0", "--epochs", "2"];
        Assert.Equal(0, TrainerProcess.Run(_folder, [.. common, "--output", "one"]).Code);
        var three = TrainerProcess.RunDistributed(_folder, 3, [.. common, "--distributed", "--output", "three"]);
        Assert.True(three.Code == 0, three.Error);
        var difference = LargestDifference("--blobs", Path.Combine(_folder, "one", "model.dat"), Path.Combine(_folder, "three", "model.dat"));
        Assert.True(difference < Tolerance, $"largest weight difference {difference:G3}");
    }

    [Fact]
    public void A_killed_process_ends_the_job_and_the_run_resumes_with_another_number_of_processes()
    {
        string[] common = ["--batch-size", "48", "--dropout", "0", "--epochs", "3", "--checkpoint-every", "10"];
        var clock = Stopwatch.StartNew();
        var crashed = TrainerProcess.RunDistributed(_folder, 2, ["--crash-after-step", "14", .. common, "--distributed", "--output", "crashed"]);
        clock.Stop();
        Assert.NotEqual(0, crashed.Code);
        // The launcher ends the survivor, which would otherwise wait in the next step's collective forever.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"the job took {clock.Elapsed} to end");
        Assert.Contains("BAD TERMINATION OF ONE OF YOUR APPLICATION PROCESSES", crashed.Output + crashed.Error);
        Assert.Contains("Killed (signal 9)", crashed.Output + crashed.Error);
        string checkpoint = Path.Combine(_folder, "crashed", "checkpoints", "step-000000010");
        Assert.True(Directory.Exists(checkpoint), crashed.Output + crashed.Error);

        // Resumed alone: the checkpoint is the run's, not a process's.
        var resumed = TrainerProcess.Run(_folder, "--resume", checkpoint);
        Assert.True(resumed.Code == 0, resumed.Error);
        var whole = TrainerProcess.Run(_folder, [.. common, "--output", "whole"]);
        Assert.True(whole.Code == 0, whole.Error);
        var difference = LargestDifference("--blobs", Path.Combine(_folder, "whole", "model.dat"), Path.Combine(_folder, "crashed", "model.dat"));
        Assert.True(difference < Tolerance, $"largest weight difference {difference:G3}");

        // And the other way: a one-process checkpoint continued by two.
        Assert.Equal(0, TrainerProcess.Run(_folder, [.. common, "--epochs", "1", "--output", "short"]).Code);
        var widened = TrainerProcess.RunDistributed(_folder, 2, "--resume", Path.Combine(_folder, "short", "checkpoints", "step-000000010"), "--epochs", "3", "--resume-with-changes", "--distributed");
        Assert.True(widened.Code == 0, widened.Error);
        difference = LargestDifference("--blobs", Path.Combine(_folder, "whole", "model.dat"), Path.Combine(_folder, "short", "model.dat"));
        Assert.True(difference < Tolerance, $"largest weight difference {difference:G3}");
    }

    [Fact]
    public void A_process_that_stops_without_ending_ends_the_job_after_the_collective_timeout()
    {
        var clock = Stopwatch.StartNew();
        var hung = TrainerProcess.RunDistributed(_folder, 2, new Dictionary<string, string> { ["SCULPT_COLLECTIVE_TIMEOUT"] = "3" },
            "--hang-after-step", "4", "--batch-size", "48", "--distributed", "--output", "hung");
        clock.Stop();
        Assert.Equal(ExitCodes.TrainingFailed, hung.Code);
        Assert.Contains("error: rank 0 of 2 waited 3 s in MPI_Allreduce for the other processes; one of them stopped without ending (stuck, or far slower), so the job ends here. SCULPT_COLLECTIVE_TIMEOUT sets the wait in seconds.", hung.Error);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"the job took {clock.Elapsed} to end");
    }

    [Fact]
    public void Bad_distributed_input_gets_one_line_and_a_usage_exit()
    {
        var batch = TrainerProcess.RunDistributed(_folder, 2, "--batch-size", "1", "--distributed", "--output", "small");
        Assert.Equal(ExitCodes.Usage, batch.Code);
        Assert.Equal("error: Option '--batch-size': the batch of 1 is shared by the 2 processes, so it must be at least 2.", batch.Error.Trim());
        Assert.False(Directory.Exists(Path.Combine(_folder, "small")));

        var sync = TrainerProcess.Run(_folder, "--sync-batch-norm");
        Assert.Equal(ExitCodes.Usage, sync.Code);
        Assert.Equal("error: Option '--sync-batch-norm' applies to --distributed, which was not given.", sync.Error.Trim());

        // Open MPI's launcher sets this; its library has another binary interface.
        var openMpi = TrainerProcess.Run(_folder, new Dictionary<string, string> { ["OMPI_COMM_WORLD_SIZE"] = "2" }, "--distributed");
        Assert.Equal(ExitCodes.Usage, openMpi.Code);
        Assert.StartsWith("error: this process was started by Open MPI's mpiexec", openMpi.Error.Trim());

        var timeout = TrainerProcess.Run(_folder, new Dictionary<string, string> { ["SCULPT_COLLECTIVE_TIMEOUT"] = "soon" }, "--distributed");
        Assert.Equal(ExitCodes.Usage, timeout.Code);
        Assert.Equal("error: SCULPT_COLLECTIVE_TIMEOUT must be a number of seconds above 0; got 'soon'.", timeout.Error.Trim());

        var missing = TrainerProcess.Run(_folder, new Dictionary<string, string> { ["SCULPT_MPI_LIBRARY"] = "libnompi.so.12" }, "--distributed");
        Assert.Equal(ExitCodes.Usage, missing.Code);
        Assert.StartsWith("error: --distributed needs an MPICH-family MPI library (libnompi.so.12), and none loads", missing.Error.Trim());
        Assert.Single(missing.Error.Trim().Split('\n'));
    }

    [Fact]
    public void Shards_split_every_batch_into_contiguous_parts_that_cover_it()
    {
        for (int processes = 1; processes <= 5; processes++)
        {
            for (long rows = processes; rows <= 13; rows++)
            {
                var parts = Enumerable.Range(0, processes).Select(rank => new Shard(rank, processes).Of(rows)).ToList();
                Assert.Equal(0, parts[0].Start);
                for (int rank = 1; rank < processes; rank++) Assert.Equal(parts[rank - 1].Start + parts[rank - 1].Length, parts[rank].Start);
                Assert.Equal(rows, parts.Sum(p => p.Length));
                Assert.True(parts.Max(p => p.Length) - parts.Min(p => p.Length) <= 1);
            }
        }
        // The shuffled batches of every process together are one process's, row for row.
        using var data = Blobs.Make(50, 3);
        var whole = data.Batches(16, shuffle: true, seed: 7).Select(b => b.Target.data<long>().ToArray()).ToList();
        var shared = Enumerable.Range(0, 3).Select(rank => data.Batches(16, shuffle: true, seed: 7, shard: new Shard(rank, 3)).Select(b => (b.Target.data<long>().ToArray(), b.Share)).ToList()).ToList();
        // 50 = 3 x 16 + 2: the last batch of 2 rows cannot give each of 3 processes one, and is left out.
        Assert.Equal(3, data.BatchCount(16, LastBatch.Partial, processes: 3));
        Assert.Equal(4, data.BatchCount(16, LastBatch.Partial, processes: 2));
        for (int batch = 0; batch < 3; batch++)
        {
            Assert.Equal(whole[batch], shared.SelectMany(rank => rank[batch].Item1).ToArray());
            Assert.Equal(1.0, shared.Sum(rank => rank[batch].Share), 12);
        }
    }

    private static double LargestDifference(string model, string first, string second) => Differences(model, first, second).Max(d => d.Difference);

    /// <summary>The largest difference of each tensor of the two weight files, largest first.</summary>
    private static List<(string Name, double Difference)> Differences(string model, string first, string second)
    {
        using var a = Trained(model, first);
        using var b = Trained(model, second);
        var other = b.state_dict();
        var differences = new List<(string Name, double Difference)>();
        foreach (var (name, value) in a.state_dict().Where(p => p.Value.is_floating_point()))
        {
            using var difference = (value.to(float64) - other[name].to(float64)).abs();
            if (name.EndsWith("Attention.Qkv.bias", StringComparison.Ordinal))
            {
                // The key bias adds the same amount to every score of a query, which softmax ignores: its gradient is
                // zero but for rounding, and Adam turns that noise into steps of up to the learning rate. Compared apart.
                long dim = difference.size(0) / 3;
                differences.Add((name + "[query, value]", cat([difference.narrow(0, 0, dim), difference.narrow(0, 2 * dim, dim)]).max().item<double>()));
                differences.Add((name + "[key]", difference.narrow(0, dim, dim).max().item<double>() * Tolerance / KeyBiasBound));
                continue;
            }
            differences.Add((name, difference.max().item<double>()));
        }
        return differences.OrderByDescending(d => d.Difference).ToList();
    }

    /// <summary>What 20 steps of noise can move the key bias: 20 times TinyGpt's learning rate, scaled to <see cref="Tolerance"/> above.</summary>
    private const double KeyBiasBound = 20 * 2e-3;

    private static TorchSharp.torch.nn.Module Trained(string model, string weights)
    {
        TorchSharp.torch.nn.Module module = model switch
        {
            "--cnn" => new NormedCnnTrainer(new MlpConfig()).Model,
            "--gpt" => new CyclicGptTrainer(new TinyGpt.GptConfig()).Model,
            _ => new BlobTrainer(new MlpConfig()).Model,
        };
        Sculpt.Training.WeightFiles.Load(module, weights);
        return module;
    }

    private static List<double> ValidationLosses(string run) =>
        File.ReadAllLines(Path.Combine(run, "epochs.csv")).Skip(1)
            .Select(line => double.Parse(line.Split(',')[ValidationColumn(run)], System.Globalization.CultureInfo.InvariantCulture)).ToList();

    private static int ValidationColumn(string run) => Array.IndexOf(File.ReadLines(Path.Combine(run, "epochs.csv")).First().Split(','), "val_loss");
}
