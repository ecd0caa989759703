// Speed claims, measured side by side with hand-written TorchSharp doing the same work.
//   dotnet run -c Release --project tests/Sculpt.Benchmarks -- --filter '*'
using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Sculpt.Benchmarks.TrainStepBenchmark).Assembly).Run(args);
