using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using Sculpt.Checkpoints;
using Sculpt.Data;
using Sculpt.Data.Images;
using Sculpt.Data.Tabular;
using Sculpt.HyperParameters;
using Sculpt.Models;
using Sculpt.Prediction;
using Sculpt.Text;
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
        string help = PredictHelp(trainerName, "FILE", $"Predicts each row of FILE, laid out as {typeof(TData).Name} declares (its label columns may be left out), with the model\n" +
            "a training run left in its folder (config.json, model.dat, normalization.json, classes.json).",
            "The rows to predict", "row, prediction and p_CLASS for each class, or the targets");
        return SubCommand<TData>("predict", args, PredictValueFlags, help, output, error, (flags, enter, written) =>
        {
            var (input, run, target) = PredictPaths(flags, trainerName, "the rows to predict with --input FILE");
            enter(Phase.Checkpoint);
            using var predictor = TabularPredictor<TModel, TData, TConfig>.Load(run);
            enter(Phase.Input);
            var predictions = predictor.PredictFile(input);
            enter(Phase.Output);
            WriteText(target, predictions.WriteCsv);
            written.WriteLine($"predicted {predictions.Count:N0} row(s) of {input} with the model of {run}: {target}");
        });
    }

    /// <summary>
    /// <c>predict --input IMAGE|FOLDER [--output FILE] [--run FOLDER]</c> for a trainer of images: each image decoded and
    /// resized as the dataset's are, classified by the model of a training run, written as CSV with the file of each row.
    /// <see cref="Run"/> calls it for a data source that is an <see cref="IImageSource"/>. Returns the exit code.
    /// </summary>
    public static int PredictImages<TModel, TData, TConfig>(string trainerName, string[] args, ImageLayout layout, TextWriter? output = null, TextWriter? error = null)
        where TModel : torch.nn.Module<torch.Tensor, torch.Tensor>, ISculptModel<TModel, TConfig>
        where TConfig : TrainingHyperParameters, IHyperParameters<TConfig>
    {
        string help = PredictHelp(trainerName, "IMAGE|FOLDER", "Classifies an image, or every image under a folder and its sub-folders, with the model a training run left in\n" +
            $"its folder (config.json, model.dat, normalization.json, classes.json); each is read as {typeof(TData).Name} reads its images ({layout}).",
            "The image file, or a folder of them (PNG, JPEG, BMP, GIF, WebP)", "file, prediction and p_CLASS for each class");
        return SubCommand<TData>("predict", args, PredictValueFlags, help, output, error, (flags, enter, written) =>
        {
            var (input, run, target) = PredictPaths(flags, trainerName, "the image, or the folder of images, to predict with --input IMAGE|FOLDER");
            enter(Phase.Checkpoint);
            using var predictor = ImagePredictor<TModel, TConfig>.Load(run, layout);
            enter(Phase.Input);
            var predictions = predictor.PredictPath(input);
            enter(Phase.Output);
            WriteText(target, predictions.WriteCsv);
            written.WriteLine($"predicted {predictions.Count:N0} image(s) of {input} with the model of {run}: {target}");
        });
    }

    private static readonly string[] PredictValueFlags = ["--input", "--output", "--run"];

    private static readonly string[] CompleteValueFlags = ["--prompt", "--input", "--output", "--run", "--tokens", "--temperature", "--top-k", "--seed"];

    /// <summary>
    /// <c>predict --prompt TEXT | --input FILE [--output FILE] [--tokens N] [--temperature T] [--top-k K] [--seed S] [--run FOLDER]</c>
    /// for a trainer of a language model: continues a prompt (printed) or each line of a file (written as JSON lines),
    /// tokenized as the dataset's text was. <see cref="Run"/> calls it for a data source that is an <see cref="ITextSource"/>.
    /// Returns the exit code.
    /// </summary>
    public static int PredictText<TModel, TData, TConfig>(string trainerName, string[] args, TextTokenizer tokenizer, int context, TextWriter? output = null, TextWriter? error = null)
        where TModel : torch.nn.Module<torch.Tensor, torch.Tensor>, ISculptModel<TModel, TConfig>
        where TConfig : TrainingHyperParameters, IHyperParameters<TConfig>
    {
        return SubCommand<TData>("predict", args, CompleteValueFlags, CompleteHelp(trainerName, typeof(TData).Name, tokenizer), output, error, (flags, enter, written) =>
        {
            string? prompt = flags.GetValueOrDefault("--prompt"), input = flags.GetValueOrDefault("--input");
            if ((prompt is null) == (input is null)) throw new HyperParameterException("predict: give the text to continue with --prompt TEXT, or a file of prompts (one per line) with --input FILE.");
            if (prompt is not null && flags.ContainsKey("--output")) throw new HyperParameterException("predict: --output names the file for the completions of --input FILE; a --prompt's completion is printed.");
            int tokens = IntegerFlag(flags, "--tokens", 100, 1, 100_000);
            double temperature = NumberFlag(flags, "--temperature", 0);
            int topK = IntegerFlag(flags, "--top-k", 0, 0, int.MaxValue);
            long seed = IntegerFlag(flags, "--seed", 0, int.MinValue, int.MaxValue);
            var sampling = new Sampling(temperature, topK);
            string run = flags.GetValueOrDefault("--run") ?? Path.Combine("runs", trainerName);
            string[] prompts = [];
            if (input is not null)
            {
                enter(Phase.Input);
                if (!File.Exists(input)) throw new FileNotFoundException($"Input file '{input}' does not exist.", input);
                prompts = File.ReadAllLines(input);
                if (prompts.All(string.IsNullOrWhiteSpace)) throw new InvalidDataException($"{input} holds no prompts; write one per line.");
            }
            enter(Phase.Checkpoint);
            using var predictor = TextPredictor<TModel, TConfig>.Load(run, tokenizer, context);
            if (prompt is not null)
            {
                enter(Phase.Usage);
                Completion completion;
                try
                {
                    completion = predictor.Predict(prompt, tokens, sampling, seed);
                }
                catch (ArgumentException problem)
                {
                    throw new HyperParameterException($"predict: option '--prompt': {problem.Message.Split(" (Parameter")[0]}", problem);
                }
                written.WriteLine(completion.Prompt + completion.Text);
                return;
            }
            enter(Phase.Input);
            var completions = new List<(int Line, Completion Completion)>();
            for (int line = 0; line < prompts.Length; line++)
            {
                if (string.IsNullOrWhiteSpace(prompts[line])) continue;
                try
                {
                    completions.Add((line + 1, predictor.Predict(prompts[line], tokens, sampling, seed)));
                }
                catch (ArgumentException problem)
                {
                    throw new InvalidDataException($"{input}:{line + 1}: {problem.Message.Split(" (Parameter")[0]}", problem);
                }
            }
            string target = flags.GetValueOrDefault("--output") ?? Path.Combine(run, "completions.jsonl");
            enter(Phase.Output);
            AtomicFile.Write(target, stream =>
            {
                foreach (var (line, completion) in completions)
                {
                    using (var json = new Utf8JsonWriter(stream))
                    {
                        json.WriteStartObject();
                        json.WriteNumber("line", line);
                        json.WriteString("prompt", completion.Prompt);
                        json.WriteString("completion", completion.Text);
                        json.WriteEndObject();
                    }
                    stream.WriteByte((byte)'\n');
                }
            });
            written.WriteLine($"continued {completions.Count:N0} prompt(s) of {input} with the model of {run}: {target}");
        });
    }

    /// <summary>What a sub-command does once its flags are read: <c>enter</c> marks the phase its errors belong to, <c>written</c> is the console.</summary>
    private delegate void SubCommandBody(Dictionary<string, string> flags, Action<Phase> enter, TextWriter written);

    /// <summary>
    /// The frame of the sub-commands that use a finished run (predict, export): flags read, <c>--help</c> shown, and any
    /// problem turned into one line and the exit code of the phase it happened in (<see cref="Describe{TData}"/>).
    /// </summary>
    private static int SubCommand<TData>(string command, string[] args, string[] valueFlags, string help, TextWriter? output, TextWriter? error, SubCommandBody body)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        var phase = Phase.Usage;
        bool verbose = Array.IndexOf(args, "--verbose") >= 0;
        try
        {
            var flags = CommandFlags(command, args, valueFlags);
            if (flags.ContainsKey("--help"))
            {
                output.Write(help);
                return ExitCodes.Success;
            }
            body(flags, next => phase = next, output);
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

    /// <summary>Writes a text file whole or not at all: a failed run leaves no half-written output.</summary>
    private static void WriteText(string path, Action<TextWriter> write) => AtomicFile.Write(path, stream =>
    {
        using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), leaveOpen: true);
        write(writer);
    });

    private static (string Input, string Run, string Target) PredictPaths(Dictionary<string, string> flags, string trainerName, string missingInput)
    {
        string input = flags.GetValueOrDefault("--input") ?? throw new HyperParameterException($"predict: name {missingInput}.");
        string run = flags.GetValueOrDefault("--run") ?? Path.Combine("runs", trainerName);
        return (input, run, flags.GetValueOrDefault("--output") ?? Path.Combine(run, "predictions.csv"));
    }

    private static int IntegerFlag(Dictionary<string, string> flags, string flag, int fallback, int min, int max)
    {
        if (!flags.TryGetValue(flag, out string? text)) return fallback;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < min || value > max)
            throw new HyperParameterException($"predict: option '{flag}' takes a whole number {(max == int.MaxValue ? $"of at least {min}" : $"from {min} to {max}")}; got '{text}'.");
        return value;
    }

    private static double NumberFlag(Dictionary<string, string> flags, string flag, double fallback)
    {
        if (!flags.TryGetValue(flag, out string? text)) return fallback;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !(value >= 0) || double.IsInfinity(value))
            throw new HyperParameterException($"predict: option '{flag}' takes a number of at least 0; got '{text}'.");
        return value;
    }

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
                throw new HyperParameterException($"{command}: unknown option '{flag}'; it takes {string.Join(", ", valueFlags.Select(f => f + " " + FlagValueName(f)))} ({command} --help).");
            if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                throw new HyperParameterException($"{command}: option '{flag}' needs a value.");
            flags[flag] = args[++i];
        }
        return flags;
    }

    private static string FlagValueName(string flag) => flag switch
    {
        "--run" => "FOLDER",
        "--prompt" => "TEXT",
        "--tokens" or "--top-k" or "--seed" => "N",
        "--temperature" => "T",
        _ => "FILE",
    };

    private static string PredictHelp(string trainerName, string input, string description, string inputHelp, string columns) =>
        $"usage: {trainerName} predict --input {input} [--output FILE] [--run FOLDER]\n\n" +
        description + "\n\n" +
        "options:\n" +
        $"  --input {input,-9}{(input.Length > 8 ? "\n                   " : "")}{inputHelp}\n" +
        $"  --output FILE    Where the predictions go, as CSV: {columns} (default RUN/predictions.csv)\n" +
        $"  --run FOLDER     The training run whose model predicts (default runs/{trainerName})\n" +
        "  --verbose        Adds the stack trace to an error\n\n" +
        ExitCodes.Table;

    private static string CompleteHelp(string trainerName, string dataName, TextTokenizer tokenizer) =>
        $"usage: {trainerName} predict --prompt TEXT | --input FILE [--output FILE] [--tokens N] [--temperature T] [--top-k K] [--seed N] [--run FOLDER]\n\n" +
        $"Continues a prompt, or each line of a file, with the language model a training run left in its folder (config.json,\n" +
        $"model.dat); prompts are cut into tokens as {dataName}'s text was ({tokenizer.Name}). Greedy unless --temperature is set.\n\n" +
        "options:\n" +
        "  --prompt TEXT    The text to continue; the prompt and its continuation are printed\n" +
        "  --input FILE     A file of prompts, one per line (blank lines are skipped)\n" +
        "  --output FILE    Where the completions of --input go, as JSON lines: line, prompt, completion (default RUN/completions.jsonl)\n" +
        "  --tokens N       Tokens to generate after each prompt (default 100)\n" +
        "  --temperature T  Sampling temperature; 0 picks the most likely token every time (default 0)\n" +
        "  --top-k K        Draws only among the K most likely tokens; 0 for all (default 0)\n" +
        "  --seed N         Seeds the draws: the same seed gives the same completion (default 0)\n" +
        $"  --run FOLDER     The training run whose model writes (default runs/{trainerName})\n" +
        "  --verbose        Adds the stack trace to an error\n\n" +
        ExitCodes.Table;
}
