using System.Linq;
using Sculpt.DeviceChecks;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Sculpt.Tests;

/// <summary>
/// The CUDA kit's program (tests/Sculpt.DeviceChecks), run on the CPU: there it compares the CPU with itself, with the
/// same kernels and threads, so every difference must be exactly zero; on a GPU the same code measures CUDA's.
/// </summary>
public class DeviceChecksTests
{
    [Fact]
    public void Parity_optimizer_and_checkpoint_checks_find_no_difference_between_a_device_and_itself()
    {
        var results = DeviceCheckRun.Run(CPU, DeviceOptions.Parse(["--only", "parity,optimizers,checkpoint"]));

        // Four models (forward, gradients; batch norm's statistics too), four optimizers (Lion's weights and state
        // apart), two resume directions.
        Assert.Equal(16, results.Count);
        Assert.Equal(["checkpoint", "optimizers", "parity"], results.Select(r => r.Check).Distinct().Order());
        Assert.All(results, result => Assert.Equal(0.0, result.Measured));
    }

    [Fact]
    public void A_difference_is_relative_to_the_largest_reference_magnitude()
    {
        using var expected = tensor(new[] { 1f, -2f, 0.5f });
        using var actual = tensor(new[] { 1f, -1.5f, 0.5f });

        Assert.Equal(0.25, DeviceCheckRun.RelativeDifference(actual, expected), 6);
        Assert.Equal(0.0, DeviceCheckRun.RelativeDifference(expected, expected));
        Assert.False(new CheckResult("parity", "x", 2e-4, 1e-4, "relative").Passed);
    }

    [Fact]
    public void The_gpt2_benchmark_trains_gpt2_small_shaped_blocks_and_counts_the_tied_head_once()
    {
        var record = Gpt2Benchmark.Run(CPU, DeviceOptions.Parse(["--layers", "1", "--context", "64", "--batch", "2", "--steps", "3", "--warmup", "2"]));

        long dim = Gpt2Benchmark.Dim, mlp = Gpt2Benchmark.Mlp;
        long block = 4 * dim + (dim * 3 * dim + 3 * dim) + (dim * dim + dim) + (dim * mlp + mlp) + (mlp * dim + dim);
        Assert.Equal(Gpt2Benchmark.Vocabulary * dim + 64 * dim + block + 2 * dim, (long)record["parameters"]);
        // The same batch again and again: the loss must fall.
        Assert.True((float)record["last_loss"] < (float)record["first_loss"], $"{record["first_loss"]} -> {record["last_loss"]}");
        Assert.True((double)record["tokens_per_second"] > 0);
        Assert.False(record.ContainsKey("mfu"));
    }

    [Fact]
    public void Bad_options_are_refused_by_name()
    {
        Assert.Equal("'--steps' expects a whole number of at least 1, got 'x'",
            Assert.Throws<UsageException>(() => DeviceOptions.Parse(["--steps", "x"]).Number("--steps", 1)).Message);
        Assert.Equal("'--only' knows memory, parity, optimizers, checkpoint, precision; got 'speed'",
            Assert.Throws<UsageException>(() => DeviceCheckRun.Run(CPU, DeviceOptions.Parse(["--only", "speed"]))).Message);
        Assert.Equal("'--device' expects cpu, cuda or cuda:N, got 'tpu'", Assert.Throws<UsageException>(() => Devices.Open("tpu")).Message);
        Assert.Equal("unknown option '--memory-step' (this command takes --memory-steps)",
            Assert.Throws<UsageException>(() => DeviceOptions.Parse(["--memory-step", "5"], ["--memory-steps"])).Message);
    }

    [Fact]
    public void A_nan_is_the_worst_difference_and_never_passes()
    {
        Assert.True(double.IsNaN(CheckResult.Worst([0.1, double.NaN, 0.2])));
        Assert.Equal(0.2, CheckResult.Worst([0.1, 0.2]));
        Assert.False(new CheckResult("parity", "x", double.NaN, 1, "relative").Passed);
        using var expected = tensor(new[] { 1f, 2f });
        using var broken = tensor(new[] { 1f, float.NaN });
        Assert.Equal(double.PositiveInfinity, DeviceCheckRun.RelativeDifference(broken, expected));
    }
}
