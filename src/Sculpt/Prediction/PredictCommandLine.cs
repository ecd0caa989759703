using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Sculpt.Checkpoints;
using Sculpt.Data.Tabular;
using Sculpt.HyperParameters;
using Sculpt.Models;
using Sculpt.Prediction;
using TorchSharp;

namespace Sculpt.Training;

public static partial class TrainerCommandLine
{
    /// <summary>
    /// <c>predict --input FILE [--output FILE] [--run FOLDER]</c>: the model a training run left in its folder, on new
    /// rows of the dataset's layout (label columns optional), written as CSV (see <see cref="Predictions.WriteCsv"/>).
    /// The generated <c>Run</c> calls it for a trainer of a <c>[CsvDataset]</c>. Returns the exit code.
    /// </summary>
    public static int Predict<TModel, TData, TConfig>(string trainerName, string[] args, TextWriter? output = null, TextWriter? error = null)
        where TModel : torch.nn.Module<torch.Tensor, torch.Tensor>, ISculptModel<TModel, TConfig>
        where TData : ITabularSource<TData>
        where TConfig : TrainingHyperParameters, IHyperParameters<TConfig>
    {
        output ??= Console.Out;
        error ??= Console.Error;
        var phase = Phase.Usage;
        bool verbose = Array.IndexOf(args, "--verbose") >= 0;
        try
        {
            var flags = CommandFlags("predict", args, PredictValueFlags);
            if (flags.ContainsKey("--help"))
            {
                output.Write(PredictHelp(trainerName, typeof(TData).Name));
                return ExitCodes.Success;
            }
            string input = flags.GetValueOrDefault("--input") ?? throw new HyperParameterException("predict: name the rows to predict with --input FILE.");
            string run = flags.GetValueOrDefault("--run") ?? Path.Combine("runs", trainerName);
            string target = flags.GetValueOrDefault("--output") ?? Path.Combine(run, "predictions.csv");

            phase = Phase.Checkpoint;
            using var predictor = TabularPredictor<TModel, TData, TConfig>.Load(run);
            phase = Phase.Data;
            var predictions = predictor.PredictFile(input);
            phase = Phase.Output;
            AtomicFile.Write(target, stream =>
            {
                using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), leaveOpen: true);
                predictions.WriteCsv(writer);
            });
            output.WriteLine($"predicted {predictions.Count:N0} row(s) of {input} with the model of {run}: {target}");
            return ExitCodes.Success;
        }
        catch (Exception problem)
        {
            var (code, message) = Describe<TData>(problem, phase);
            error.WriteLine("error: " + OneLine(message));
            if (verbose) error.WriteLine(problem.ToString());
            return code;
        }
    }

    private static readonly string[] PredictValueFlags = ["--input", "--output", "--run"];

    /// <summary>A sub-command's flags (<c>--help</c>, <c>--verbose</c> and each of <paramref name="valueFlags"/> with its value), by name.</summary>
    private static Dictionary<string, string> CommandFlags(string command, string[] args, string[] valueFlags)
    {
        var flags = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Length; i++)
        {
            string flag = args[i];
            if (flag is "--help" or "-h" or "--verbose")
            {
                flags[flag == "-h" ? "--help" : flag] = "";
                continue;
            }
            if (Array.IndexOf(valueFlags, flag) < 0)
                throw new HyperParameterException($"{command}: unknown option '{flag}'; it takes {string.Join(", ", valueFlags.Select(f => f + " " + (f == "--run" ? "FOLDER" : "FILE")))} ({command} --help).");
            if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                throw new HyperParameterException($"{command}: option '{flag}' needs a value.");
            flags[flag] = args[++i];
        }
        return flags;
    }

    private static string PredictHelp(string trainerName, string dataName) =>
        $"usage: {trainerName} predict --input FILE [--output FILE] [--run FOLDER]\n\n" +
        $"Predicts each row of FILE, laid out as {dataName} declares (its label columns may be left out), with the model\n" +
        "a training run left in its folder (config.json, model.dat, normalization.json, classes.json).\n\n" +
        "options:\n" +
        "  --input FILE     The rows to predict\n" +
        $"  --output FILE    Where the predictions go, as CSV: row, prediction and p_CLASS for each class, or the targets (default RUN/predictions.csv)\n" +
        $"  --run FOLDER     The training run whose model predicts (default runs/{trainerName})\n" +
        "  --verbose        Adds the stack trace to an error\n\n" +
        ExitCodes.Table;
}
