using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Sculpt.Checkpoints;
using Sculpt.Data;
using Sculpt.Training;
using TorchSharp;

namespace FashionMnist;

/// <summary>
/// Transfer learning, measured: the CNN pretrained on five Fashion-MNIST classes (T-shirt, trouser, pullover, dress,
/// coat), then taught the other five (sandal, shirt, sneaker, bag, ankle boot) from 50 labelled images of each, four
/// ways: its head alone on the frozen pretrained body, the whole pretrained model, LoRA adapters with a new head, and
/// the same architecture from scratch on the same 250 images. Accuracy on the 5,000 test images of the new classes, over several seeds.
/// </summary>
internal static class Transfer
{
    public static int Run(string[] args)
    {
        int seeds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
        int perClass = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 50;
        string folder = Path.Combine("runs", "transfer");
        Directory.CreateDirectory(folder);
        var data = new FashionMnistData().Load(42);
        var (baseTrain, baseValidation) = (Classes(data.Train, 0), Classes(data.Validation, 0));
        var (newTrain, newValidation, newTest) = (Classes(data.Train, 5), Classes(data.Validation, 5), Classes(data.Test!, 5));

        string baseWeights = Path.Combine(folder, "base.safetensors");
        var pretraining = new CnnConfig { Classes = 5, Epochs = 3 };
        using (var pretrained = new CnnTrainer(pretraining))
        {
            var fit = pretrained.Fit(baseTrain, baseValidation, new ConsoleProgress());
            Console.WriteLine(FormattableString.Invariant($"pretrained on {baseTrain.Count:N0} images of classes 0-4 in {fit.Elapsed.TotalSeconds:F0} s: validation accuracy {fit.Final.Validation.Accuracy * 100:F2}%"));
            using var stream = File.Create(baseWeights);
            SafeTensorsFile.Write(stream, pretrained.Model.state_dict().Select(p => (p.Key, p.Value)).ToList());
        }

        // The same budget for every way: 30 passes over the few labelled images.
        var tuning = new CnnConfig { Classes = 5, Epochs = 30, BatchSize = 25 };
        var ways = new (string Name, CnnConfig Config)[]
        {
            ("head only (body frozen)", tuning with { InitFrom = baseWeights, Fresh = "Classify", Freeze = "*" }),
            // A lone linear head trains in few steps only at a larger rate, as linear probes are usually run.
            ("head only, learning rate 1e-2", tuning with { InitFrom = baseWeights, Fresh = "Classify", Freeze = "*", LearningRate = 1e-2 }),
            ("full fine-tuning", tuning with { InitFrom = baseWeights, Fresh = "Classify", LearningRate = 3e-4 }),
            ("LoRA rank 8 on Hidden, fresh head", tuning with { InitFrom = baseWeights, Fresh = "Classify", Lora = "Hidden", LoraRank = 8 }),
            ("from scratch", tuning),
        };
        var results = ways.ToDictionary(w => w.Name, _ => new List<double>());
        for (int seed = 0; seed < seeds; seed++)
        {
            using var few = Few(newTrain, perClass, seed);
            foreach (var (name, config) in ways)
            {
                using var trainer = new CnnTrainer(config with { Seed = seed });
                trainer.Fit(few, newValidation, SilentProgress.Instance);
                double accuracy = trainer.Evaluate(newTest).Accuracy!.Value;
                results[name].Add(accuracy);
                Console.WriteLine(FormattableString.Invariant($"seed {seed}, {name}: test accuracy {accuracy * 100:F2}% ({trainer.TrainableParameterCount:N0} of {trainer.TrainableParameterCount + trainer.FrozenParameterCount:N0} parameters trained)"));
            }
        }
        Console.WriteLine();
        Console.WriteLine($"| {perClass} images per new class, {seeds} seeds | test accuracy, mean | min - max |");
        Console.WriteLine("|---|---:|---:|");
        foreach (var (name, accuracies) in results)
            Console.WriteLine(FormattableString.Invariant($"| {name} | {accuracies.Average() * 100:F2}% | {accuracies.Min() * 100:F2}% - {accuracies.Max() * 100:F2}% |"));
        return 0;
    }

    /// <summary>The rows of classes <paramref name="first"/> to <paramref name="first"/>+4, labelled 0-4.</summary>
    private static TensorDataset Classes(TensorDataset data, int first)
    {
        using var scope = torch.NewDisposeScope();
        var keep = (data.Targets >= first).logical_and(data.Targets < first + 5).nonzero().reshape(-1);
        return new TensorDataset(data.Features.index_select(0, keep).MoveToOuterDisposeScope(), (data.Targets.index_select(0, keep) - first).MoveToOuterDisposeScope());
    }

    /// <summary><paramref name="perClass"/> rows of each class, drawn with <paramref name="seed"/>.</summary>
    private static TensorDataset Few(TensorDataset data, int perClass, int seed)
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new torch.Generator((ulong)(1000 + seed));
        var chosen = Enumerable.Range(0, 5).Select(c =>
        {
            var rows = data.Targets.eq(c).nonzero().reshape(-1);
            return rows.index_select(0, torch.randperm(rows.size(0), generator: generator).narrow(0, 0, perClass));
        }).ToArray();
        var keep = torch.cat(chosen);
        return new TensorDataset(data.Features.index_select(0, keep).MoveToOuterDisposeScope(), data.Targets.index_select(0, keep).MoveToOuterDisposeScope());
    }
}
