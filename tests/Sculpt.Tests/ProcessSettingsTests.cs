using System;
using System.IO;
using System.Runtime.InteropServices;
using Sculpt.Backend;
using Xunit;
using static TorchSharp.torch;

namespace Sculpt.Tests;

/// <summary>
/// Process-wide settings belong to the program: the generated command line applies them, a model
/// or trainer built inside someone else's program does not.
/// </summary>
public class ProcessSettingsTests
{
    [Fact]
    public void Building_and_training_a_model_leaves_the_thread_count_alone()
    {
        using var threads = new RestoresThreadCount();
        int before = get_num_threads() == 1 ? 2 : 1;
        set_num_threads(before);
        using (var trainer = new BlobTrainer(new MlpConfig { Hidden = 4, Epochs = 1 }))
        {
            var data = new Blobs().Load(1);
            trainer.Fit(data.Train, data.Validation, Sculpt.Training.SilentProgress.Instance);
        }
        Assert.Equal(before, get_num_threads());
    }

    [Fact]
    public void Threads_sets_libtorch_threads_and_reports_them()
    {
        using var threads = new RestoresThreadCount();
        var applied = new ProcessSettings { Threads = 1 }.Apply();
        Assert.Equal(1, applied.Threads);
        Assert.Equal(1, get_num_threads());
        Assert.False(applied.BoundedSpinWaits);
        Assert.False(applied.KeepStepMemory);
    }

    [Fact]
    public void The_command_line_takes_threads_and_names_them_in_its_first_line()
    {
        using var threads = new RestoresThreadCount();
        string folder = Path.Combine(Path.GetTempPath(), $"sculpt-threads-{Guid.NewGuid():N}");
        try
        {
            var (code, output, error) = CommandLineTests.Run("--threads", "1", "--epochs", "1", "--hidden", "4", "--output", folder);
            Assert.True(code == 0, error);
            Assert.StartsWith("BlobTrainer on cpu (1 thread), ", output);
            Assert.Equal(1, get_num_threads());
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("0")]
    [InlineData("two")]
    [InlineData("-1")]
    public void A_bad_thread_count_exits_two_naming_the_flag(string value)
    {
        var (code, output, error) = CommandLineTests.Run("--threads", value);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Equal($"error: Option '--threads' expects a number of threads from 1 to 4096; got '{value}'.\n", error.Replace("\r\n", "\n"));
    }

    [Fact]
    public void The_spin_bound_reaches_the_c_library_environment_unless_the_user_chose()
    {
        // The command line has run in this process (other tests) or runs now; either way the C
        // library's environment, which libgomp reads, holds the bound, and .NET's copy is untouched.
        new ProcessSettings { BoundedSpinWaits = true }.Apply();
        if (Environment.GetEnvironmentVariable("GOMP_SPINCOUNT") is { } chosen)
        {
            Assert.Equal(chosen, Marshal.PtrToStringUTF8(GetEnv("GOMP_SPINCOUNT")));
        }
        else if (Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is null)
        {
            Assert.Equal(ProcessSettings.SpinCount.ToString(System.Globalization.CultureInfo.InvariantCulture), Marshal.PtrToStringUTF8(GetEnv("GOMP_SPINCOUNT")));
            Assert.Null(Environment.GetEnvironmentVariable("GOMP_SPINCOUNT"));
        }
    }

    [Fact]
    public void The_command_lines_garbage_bound_collects_the_young_generation_every_few_hundred_steps()
    {
        var bound = new Sculpt.Training.GarbageBound(every: 100);
        bound.FitStarted(1, 1000, 10, 1000, resumedAtStep: 0);
        Assert.False(bound.WantsStep(99));
        Assert.True(bound.WantsStep(100));
        int before = GC.CollectionCount(0);
        bound.Step(1, 50, 50, 0.5, 1e-3);
        Assert.Equal(before, GC.CollectionCount(0));
        bound.Step(1, 100, 100, 0.5, 1e-3);
        Assert.Equal(before + 1, GC.CollectionCount(0));
        bound.Step(1, 100, 100, 0.5, 1e-3);
        Assert.Equal(before + 1, GC.CollectionCount(0));
    }

    [DllImport("libc.so.6", EntryPoint = "getenv")]
    private static extern IntPtr GetEnv([MarshalAs(UnmanagedType.LPUTF8Str)] string name);
}
