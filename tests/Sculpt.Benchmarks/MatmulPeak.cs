using System.Diagnostics;
using System.Linq;
using static TorchSharp.torch;

namespace Sculpt.Benchmarks;

/// <summary>
/// What this machine's float32 matrix product reaches: a 1024 x 1024 x 1024 <c>mm</c> through libtorch (MKL's sgemm)
/// with the benchmarks' 2 threads, the median of 30 after 5 warm-ups. The yardstick a step's FLOP rate is a share of.
/// </summary>
public static class MatmulPeak
{
    public static double GflopsPerSecond(int size = 1024, int runs = 30)
    {
        set_num_threads(2);
        using var scope = NewDisposeScope();
        var a = randn(size, size);
        var b = randn(size, size);
        for (int i = 0; i < 5; i++) a.mm(b).Dispose();
        var times = new double[runs];
        var clock = new Stopwatch();
        for (int i = 0; i < runs; i++)
        {
            clock.Restart();
            a.mm(b).Dispose();
            times[i] = clock.Elapsed.TotalSeconds;
        }
        double median = times.Order().ElementAt(runs / 2);
        return 2.0 * size * size * size / median / 1e9;
    }
}
