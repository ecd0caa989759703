// Speed claims, measured side by side with hand-written TorchSharp doing the same work.
//   dotnet run -c Release --project tests/Sculpt.Benchmarks -- paired            (interleaved step ratios; then pairs and workload names to pick)
//   dotnet run -c Release --project tests/Sculpt.Benchmarks -- processes 3     (each side in its own processes, 3 rounds: step ratios, RSS; then workload names to pick)
//   dotnet run -c Release --project tests/Sculpt.Benchmarks -- examples 3        (the examples' models, each side in its own processes, 3 rounds: step, spread, share of the matmul peak, RSS)
//   dotnet run -c Release --project tests/Sculpt.Benchmarks -- paired-examples 100   (the examples' models, interleaved pairs in one process)
//   dotnet run -c Release --project tests/Sculpt.Benchmarks -- distributed 3     (1 process x 2 threads vs 2 MPI processes x 1 thread on the same global batch, 3 rounds: step, samples/s, allreduce share)
//   mpiexec.mpich -n 2 dotnet tests/Sculpt.Benchmarks/bin/Release/net10.0/Sculpt.Benchmarks.dll allreduce-side   (allreduce time by message size, and its latency and bandwidth fit)
//   dotnet run -c Release --project tests/Sculpt.Benchmarks -- optimizer         (the deep MLP's optimizer update alone, interleaved)
//   dotnet run -c Release --project tests/Sculpt.Benchmarks -- pooling           (Sculpt's pooling kernels vs libtorch's, interleaved)
//   dotnet run -c Release --project tests/Sculpt.Benchmarks -- attention         (Sculpt's self-attention vs libtorch's fused kernel by sequence length, interleaved)
//   dotnet run -c Release --project tests/Sculpt.Benchmarks -- csv               (CSV loader vs CsvHelper, interleaved)
//   dotnet run -c Release --project tests/Sculpt.Benchmarks -- pixels            (a 785-column Fashion-MNIST CSV, one vector feature, vs CsvHelper, interleaved)
//   dotnet run -c Release --project tests/Sculpt.Benchmarks -- memory 3          (resident memory over 10,000 Quickstart steps, 3 processes: growth per 1,000 steps)
//   dotnet run -c Release --project tests/Sculpt.Benchmarks -- busy 3            (two Quickstart runs side by side against one alone on one thread, 3 rounds)
//   dotnet run -c Release --project tests/Sculpt.Benchmarks -- tokens            (GPT-2 BPE tokens/s and the cache)
//   dotnet run -c Release --project tests/Sculpt.Benchmarks -- samplers 10       (search samplers on Branin, Hartmann-6, Styblinski-Tang-10 over 10 seeds, against Optuna's TPE)
//   dotnet run -c Release --project tests/Sculpt.Benchmarks -- search-objective 3 50   (the Fashion-MNIST MLP's search, 3 seeds of 50 trials: random vs TPE + pruning vs Optuna driving the CLI)
//   dotnet run -c Release --project tests/Sculpt.Benchmarks -- onnx 10           (ONNX Runtime on exported models vs Sculpt's eval forward, 10 interleaved rounds)
//   dotnet run -c Release --project tests/Sculpt.Benchmarks -- --filter '*'      (BenchmarkDotNet)
using System;
using System.IO;
using System.Linq;
using BenchmarkDotNet.Running;
using Sculpt.Benchmarks;

if (args is ["onnx", ..])
{
    OnnxLatency.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10, Console.Out);
    return;
}
if (args is ["precision", ..])
{
    PrecisionSteps.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 30, args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 3, Console.Out);
    return;
}

if (args is ["paired", ..])
{
    int pairs = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 200;
    PairedSteps.Run(Workloads().Where(w => args.Length <= 2 || args[2..].Contains(w.GetType().Name)).ToList(), pairs, Console.Out);
    return;
}
StepBenchmark[] Workloads() => [new MlpStep(), new DeepMlpStep(), new LeNetStep(), new GptStep()];
// The examples' own models (ExampleWorkloads.cs), and how many timed steps a process of each takes.
(StepBenchmark, int)[] ExampleWorkloads() =>
    [(new QuickstartStep(), 2000), (new FashionMlpStep(), 2000), (new FashionCnnStep(), 300), (new TinyGptStep(), 100), (new LoansStep(), 2000)];
if (args is ["side", string name, string side, string steps])
{
    var workload = Workloads().Concat(ExampleWorkloads().Select(w => w.Item1)).Single(w => w.GetType().Name == name);
    ProcessSteps.RunSide(workload, side == "sculpt", int.Parse(steps, System.Globalization.CultureInfo.InvariantCulture), Console.Out);
    return;
}
if (args is ["distributed-side", string distributedName, string distributedSteps])
{
    var workload = Workloads().Concat(ExampleWorkloads().Select(w => w.Item1)).Single(w => w.GetType().Name == distributedName);
    DistributedSteps.RunSide(workload, int.Parse(distributedSteps, System.Globalization.CultureInfo.InvariantCulture), Console.Out);
    return;
}
if (args is ["allreduce-side"])
{
    DistributedSteps.MeasureAllreduce(Console.Out);
    return;
}
if (args is ["distributed", ..])
{
    int rounds = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 3;
    var workloads = Workloads();
    (StepBenchmark, int)[] all = [(workloads[0], 1000), (workloads[1], 1000), (workloads[2], 1000), (workloads[3], 100), (new FashionCnnStep(), 100)];
    DistributedSteps.Run(args.Length > 2 ? all.Where(w => args[2..].Contains(w.Item1.GetType().Name)).ToArray() : all, rounds, Console.Out);
    return;
}
if (args is ["processes", ..])
{
    int rounds = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 3;
    var workloads = Workloads();
    (StepBenchmark, int)[] all = [(workloads[0], 2000), (workloads[1], 2000), (workloads[2], 2000), (workloads[3], 300)];
    ProcessSteps.Run(args.Length > 2 ? all.Where(w => args[2..].Contains(w.Item1.GetType().Name)).ToArray() : all, rounds, Console.Out);
    return;
}
if (args is ["examples", ..])
{
    int rounds = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 3;
    var all = ExampleWorkloads();
    ProcessSteps.Run(args.Length > 2 ? all.Where(w => args[2..].Contains(w.Item1.GetType().Name)).ToArray() : all, rounds, Console.Out);
    return;
}
if (args is ["paired-examples", ..])
{
    int pairs = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100;
    PairedSteps.Run(ExampleWorkloads().Select(w => w.Item1).Where(w => args.Length <= 2 || args[2..].Contains(w.GetType().Name)).ToList(), pairs, Console.Out);
    return;
}
if (args is ["samplers", ..])
{
    SamplerBenchmark.Run(Console.Out, args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10);
    return;
}
if (args is ["optimizer", ..])
{
    OptimizerUpdate.Run(Console.Out, args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 500);
    return;
}
if (args is ["pooling", ..])
{
    PoolingKernels.Run(Console.Out, args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 200);
    return;
}
if (args is ["attention", ..])
{
    AttentionKernels.Run(Console.Out, args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100);
    return;
}
if (args is ["csv", ..])
{
    CsvLoadBenchmark.RunPaired(Console.Out, args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 15);
    return;
}
if (args is ["pixels-breakdown", ..])
{
    PixelCsvBenchmark.Breakdown(Console.Out, args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 3);
    return;
}
if (args is ["pixels", ..])
{
    PixelCsvBenchmark.RunPaired(Console.Out, args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 7);
    return;
}
// The Quickstart example is built with the benchmarks (a project reference that is not referenced as an assembly).
string Quickstart() => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "examples", "Quickstart", "bin", "Release", "net10.0", "Quickstart.dll"));
int Argument(int index, int otherwise) => args.Length > index ? int.Parse(args[index], System.Globalization.CultureInfo.InvariantCulture) : otherwise;
if (args is ["memory", ..])
{
    MemoryGrowth.Run(Console.Out, Argument(1, 3), Argument(2, 16), args.Length > 3 ? args[3] : Quickstart());
    return;
}
if (args is ["busy", ..])
{
    BusyMachine.Run(Console.Out, Argument(1, 3), Argument(2, 4), args.Length > 3 ? args[3] : Quickstart());
    return;
}
if (args is ["search-objective", ..])
{
    string fashionMnist = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "examples", "FashionMnist", "bin", "Release", "net10.0", "FashionMnist.dll"));
    SearchObjectiveBenchmark.Run(Console.Out, fashionMnist, Argument(1, 3), Argument(2, 50), args.Length > 3 ? args[3] : Path.Combine("runs", "search-objective"));
    return;
}
if (args is ["tokens", ..])
{
    TokenizerThroughput.Run(Console.Out);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(StepBenchmark).Assembly).Run(args);
