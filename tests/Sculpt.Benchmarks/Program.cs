// Speed claims, measured side by side with hand-written TorchSharp doing the same work.
//   dotnet run -c Release --project tests/Sculpt.Benchmarks -- paired            (interleaved step ratios)
//   dotnet run -c Release --project tests/Sculpt.Benchmarks -- tokens            (GPT-2 BPE tokens/s and the cache)
//   dotnet run -c Release --project tests/Sculpt.Benchmarks -- --filter '*'      (BenchmarkDotNet)
using System;
using System.Linq;
using BenchmarkDotNet.Running;
using Sculpt.Benchmarks;

if (args is ["paired", ..])
{
    int pairs = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 200;
    PairedSteps.Run([new MlpStep(), new DeepMlpStep(), new LeNetStep(), new GptStep()], pairs, Console.Out);
    return;
}
if (args is ["csvprofile", ..])
{
    string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sculpt-benchmark-wide.csv");
    for (int round = 0; round < 6; round++)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long fields = 0;
        using (var reader = new Sculpt.Data.Tabular.CsvRecordReader(path))
        {
            while (reader.Read()) fields += reader.FieldCount;
        }
        double scan = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        float total = 0;
        using (var reader = new Sculpt.Data.Tabular.CsvRecordReader(path))
        {
            while (reader.Read())
            {
                for (int i = 0; i < 19; i++) { reader.TryReadPlainFloat(i, out float v); total += v; }
            }
        }
        Console.Write($"parse-only {clock.Elapsed.TotalMilliseconds:F0} ms; ");
        clock.Restart();
        int rows = WideRow.ReadCsv(path).Rows;
        Console.WriteLine($"scan {scan:F0} ms ({fields} fields), full {clock.Elapsed.TotalMilliseconds:F0} ms ({rows} rows)");
    }
    return;
}
if (args is ["tokens", ..])
{
    TokenizerThroughput.Run(Console.Out);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(StepBenchmark).Assembly).Run(args);
