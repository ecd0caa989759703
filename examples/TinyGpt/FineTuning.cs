using System;
using System.Globalization;
using System.IO;
using System.Linq;
using Sculpt.Checkpoints;
using Sculpt.Training;

namespace TinyGpt;

/// <summary>
/// Fine-tuning a language model, measured: TinyGpt pretrained on every fortune collection but one (Star Trek's), then
/// taught that one. Its validation perplexity on the held-out collection before fine-tuning, after fine-tuning all of
/// it, after training LoRA adapters alone, and for the same architecture trained on the collection alone with the
/// same budget.
/// </summary>
internal static class FineTuning
{
    public static int Run(string[] args)
    {
        string held = args.Length > 0 ? args[0] : "startrek";
        int epochs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;
        string folder = Path.Combine("runs", "finetune");
        Directory.CreateDirectory(folder);
        var general = FortunesCorpus.Splits(FortunesCorpus.ReadText(name => name != held));
        var narrow = FortunesCorpus.Splits(FortunesCorpus.ReadText(name => name == held));
        Console.WriteLine($"general text: {general.Train.Count:N0} training windows; '{held}': {narrow.Train.Count:N0} training and {narrow.Validation.Count:N0} validation windows");

        string baseWeights = Path.Combine(folder, "base.safetensors");
        var config = new GptConfig();
        double Perplexity(GptTrainer trainer) => Math.Exp(trainer.Evaluate(narrow.Validation).Loss);
        double before;
        using (var pretrained = new GptTrainer(config))
        {
            var fit = pretrained.Fit(general.Train, general.Validation, new ConsoleProgress());
            before = Perplexity(pretrained);
            Console.WriteLine(FormattableString.Invariant($"pretrained in {fit.Elapsed.TotalSeconds:F0} s; perplexity on '{held}' before fine-tuning: {before:F2}"));
            using var stream = File.Create(baseWeights);
            SafeTensorsFile.Write(stream, pretrained.Model.state_dict().Select(p => (p.Key, p.Value)).ToList());
        }

        // Each way ends with the weights of its best epoch on the collection's validation text (early stopping).
        var tuning = config with { Epochs = epochs, RestoreBest = true };
        var ways = new (string Name, GptConfig Config)[]
        {
            ("full fine-tuning", tuning with { InitFrom = baseWeights, LearningRate = 5e-4 }),
            ("LoRA rank 8 on every linear layer", tuning with { InitFrom = baseWeights, Lora = "*", LoraRank = 8 }),
            ("from scratch on the collection alone", tuning),
        };
        Console.WriteLine();
        Console.WriteLine($"| '{held}', {epochs} epochs of its {narrow.Train.Count:N0} windows | validation perplexity | parameters trained | time |");
        Console.WriteLine("|---|---:|---:|---:|");
        Console.WriteLine(FormattableString.Invariant($"| pretrained, before fine-tuning | {before:F2} | | |"));
        foreach (var (name, way) in ways)
        {
            using var trainer = new GptTrainer(way);
            var fit = trainer.Fit(narrow.Train, narrow.Validation, SilentProgress.Instance);
            long trained = trainer.TrainableParameterCount, all = trained + trainer.FrozenParameterCount;
            Console.WriteLine(FormattableString.Invariant($"| {name} | {Perplexity(trainer):F2} | {trained:N0} ({100.0 * trained / all:F1}%) | {fit.Elapsed.TotalSeconds:F0} s |"));
        }
        return 0;
    }
}
