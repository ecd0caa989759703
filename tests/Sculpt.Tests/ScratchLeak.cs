using System;
using Xunit;
using Xunit.Abstractions;
using Sculpt.Training;
using static TorchSharp.torch;
namespace Sculpt.Tests;
public class ScratchLeak(ITestOutputHelper log)
{
    static long Rss() { foreach (var l in System.IO.File.ReadLines("/proc/self/status")) if (l.StartsWith("VmRSS:")) return long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024; return 0; }
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Probe(bool runLog)
    {
        var data = new Blobs().Load(1);
        var big = new Sculpt.Data.TensorDataset(data.Train.Features.repeat(20, 1, 1, 1), data.Train.Targets.repeat(20));
        string folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "probe" + runLog);
        for (int round = 0; round < 5; round++)
        {
            using var trainer = new BlobTrainer(new MlpConfig { Hidden = 8, Epochs = 4, BatchSize = 16 });
            long r0 = Rss(); int g0 = GC.CollectionCount(0), g2 = GC.CollectionCount(2);
            using var logger = new RunLog(folder);
            var result = trainer.Fit(big, data.Validation, runLog ? logger : SilentProgress.Instance);
            log.WriteLine($"runLog={runLog} steps {result.Final.Step}: rss {r0} -> {Rss()} MiB, gen0 {GC.CollectionCount(0) - g0} gen2 {GC.CollectionCount(2) - g2}");
        }
    }
}
