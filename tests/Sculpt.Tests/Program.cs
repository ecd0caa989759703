using System;
using System.Globalization;
using System.Threading;
using Sculpt.Training;
using static TorchSharp.torch;

namespace Sculpt.Tests;

/// <summary>
/// <c>dotnet Sculpt.Tests.dll trainer [--halt-after-step N] [options]</c> runs <see cref="BlobTrainer"/>'s
/// command line in a process of its own, for tests that kill a run (<see cref="TrainerProcess"/>).
/// With <c>--halt-after-step N</c> the run prints <c>halted</c> and waits, instead of taking step N + 1,
/// so that everything up to step N (its checkpoint included) has been done when it is killed.
/// <c>trainer --searched [options]</c> runs <see cref="SearchedWidthsTrainer"/>'s instead, for the search tests;
/// <c>trainer --stripes</c> and <c>trainer --digits</c> run the prediction tests' trainers; <c>--blobs</c>, <c>--cnn</c>,
/// <c>--gpt</c>, <c>--crash-after-step N</c> and <c>--hang-after-step N</c> the distributed tests'.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args is not ["trainer", .. var rest])
        {
            Console.Error.WriteLine("usage: Sculpt.Tests trainer [--halt-after-step N] [options]");
            return 2;
        }
        // --searched: the search tests' trainer (its record declares a search space), e.g. `trainer --searched search --parallel 2`.
        if (rest is ["--searched", .. var searched])
        {
            return TrainerCommandLine.Run<SearchedWidthsTrainer, SearchedWidths, Blobs, SearchedWidthsConfig>(
                "SearchedWidthsTrainer", searched, (config, device) => new SearchedWidthsTrainer(config, device));
        }
        // --stripes, --digits: the prediction tests' trainers, through their generated Run, e.g. `trainer --digits predict --prompt 12`.
        if (rest is ["--stripes", .. var stripes]) return StripeTrainer.Run(stripes);
        if (rest is ["--digits", .. var digits]) return DigitTrainer.Run(digits);
        // The distributed tests' trainers: --blobs is the default one, named for symmetry.
        if (rest is ["--blobs", .. var blobs]) rest = blobs;
        if (rest is ["--cnn", .. var cnn]) return NormedCnnTrainer.Run(cnn);
        if (rest is ["--gpt", .. var gpt]) return CyclicGptTrainer.Run(gpt);
        if (rest is [("--crash-after-step" or "--hang-after-step") and var how, var crashSteps, .. var crashing])
        {
            long crash = long.Parse(crashSteps, CultureInfo.InvariantCulture);
            return TrainerCommandLine.Run<CrashingBlobTrainer, Mlp, Blobs, MlpConfig>(
                "BlobTrainer", crashing, (config, device) => new CrashingBlobTrainer(config, device, crash, hang: how == "--hang-after-step"));
        }
        long halt = 0;
        if (rest is ["--halt-after-step", var steps, .. var more])
        {
            halt = long.Parse(steps, CultureInfo.InvariantCulture);
            rest = more;
        }
        return TrainerCommandLine.Run<BlobTrainer, Mlp, Blobs, MlpConfig>(
            "BlobTrainer", rest, (config, device) => halt > 0 ? new HaltingBlobTrainer(config, device, halt) : new BlobTrainer(config, device));
    }
}

/// <summary>A <see cref="BlobTrainer"/> that stops dead before step <c>haltAfter + 1</c>, to be killed there.</summary>
public sealed class HaltingBlobTrainer(MlpConfig config, Device device, long haltAfter) : BlobTrainer(config, device)
{
    private long _steps;

    public override Tensor TrainStep(Tensor input, Tensor target)
    {
        if (++_steps > haltAfter)
        {
            Console.Out.WriteLine("halted");
            Console.Out.Flush();
            Thread.Sleep(Timeout.Infinite);
        }
        return base.TrainStep(input, target);
    }
}
