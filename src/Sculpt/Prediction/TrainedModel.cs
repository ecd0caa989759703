using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using Sculpt.Checkpoints;
using Sculpt.Data;
using Sculpt.HyperParameters;
using Sculpt.Models;
using Sculpt.Training;
using TorchSharp;

namespace Sculpt.Prediction;

/// <summary>The model a training run left in its folder: what predictors and exports start from.</summary>
public static class TrainedModel
{
    /// <summary>The file the training command line writes with the class names, in label order.</summary>
    public const string ClassesFile = "classes.json";

    /// <summary>
    /// Builds the model from the folder's <c>config.json</c> and loads its weights (<c>merged.safetensors</c> of a LoRA
    /// run, else <c>model.dat</c>), in evaluation mode. The model's initialisers draw from a generator of their own, so
    /// loading leaves libtorch's global one as it was.
    /// </summary>
    /// <exception cref="FileNotFoundException">The folder lacks <c>config.json</c> or the weights.</exception>
    /// <exception cref="InvalidDataException">A file of the folder cannot be read, or does not fit the model.</exception>
    public static (TModel Model, TConfig Config) Load<TModel, TConfig>(string runFolder)
        where TModel : torch.nn.Module<torch.Tensor, torch.Tensor>, ISculptModel<TModel, TConfig>
        where TConfig : TrainingHyperParameters, IHyperParameters<TConfig>
    {
        Backend.NativeBackend.EnsureLoaded();
        string configPath = Path.Combine(runFolder, "config.json");
        if (!File.Exists(configPath)) throw new FileNotFoundException($"'{runFolder}' is not a run folder: it has no config.json (train first, or name the folder a run wrote with --run).", configPath);
        var config = TConfig.FromJson(File.ReadAllText(configPath), configPath);
        TModel model;
        using (new TrainerRandom(config.Seed).Use()) model = TModel.Create(config);
        try
        {
            string merged = Path.Combine(runFolder, "merged.safetensors"), weights = Path.Combine(runFolder, "model.dat");
            if (File.Exists(merged)) model.LoadWeights(merged);
            else if (File.Exists(weights)) WeightFiles.Load(model, weights);
            else throw new FileNotFoundException($"'{runFolder}' holds no trained weights (model.dat): the run did not finish; finish it with --resume.", weights);
            model.eval();
            return (model, config);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The training split's statistics the run standardised its inputs with; null when it did not standardise.</summary>
    /// <exception cref="InvalidDataException">The file cannot be read.</exception>
    public static FeatureNormalization? Normalization(string runFolder)
    {
        string path = Path.Combine(runFolder, Checkpoint.NormalizationFile);
        return File.Exists(path) ? FeatureNormalization.Load(path) : null;
    }

    /// <summary>The class names the run recorded (<c>classes.json</c>), in label order; null when it recorded none.</summary>
    /// <exception cref="InvalidDataException">The file is not a list of names.</exception>
    public static IReadOnlyList<string>? ClassNames(string runFolder)
    {
        string path = Path.Combine(runFolder, ClassesFile);
        if (!File.Exists(path)) return null;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            var names = new List<string>();
            foreach (var name in document.RootElement.EnumerateArray()) names.Add(name.GetString() ?? throw new InvalidDataException($"{path}: a class name is null."));
            return names;
        }
        catch (Exception problem) when (problem is JsonException or InvalidOperationException)
        {
            throw new InvalidDataException($"{path} is not a list of class names: {problem.Message}", problem);
        }
    }

    /// <summary>Samples run through the model at once by a predictor: enough to keep the matrix kernels busy, few enough to bound memory.</summary>
    internal const int PredictionBatch = 4096;

    /// <summary>
    /// The model's outputs for every sample of <paramref name="inputs"/> (on the CPU, already prepared as training
    /// prepared its inputs), <see cref="PredictionBatch"/> at a time without gradients, one flat array per sample;
    /// as probabilities when <paramref name="softmax"/>.
    /// </summary>
    internal static List<float[]> Outputs(torch.nn.Module<torch.Tensor, torch.Tensor> model, torch.Tensor inputs, bool softmax, int batch = PredictionBatch)
    {
        using var noGrad = torch.no_grad();
        var device = model.parameters().FirstOrDefault()?.device ?? torch.CPU;
        long count = inputs.size(0);
        var outputs = new List<float[]>((int)count);
        for (long start = 0; start < count; start += batch)
        {
            using var batchScope = torch.NewDisposeScope();
            var output = model.forward(inputs.narrow(0, start, Math.Min(batch, count - start)).to(device));
            output = output.reshape(output.size(0), -1);
            if (softmax) output = torch.nn.functional.softmax(output, 1);
            var values = output.to(torch.float32).cpu().data<float>().ToArray();
            int width = (int)output.size(1);
            for (int row = 0; row < output.size(0); row++) outputs.Add(values.AsSpan(row * width, width).ToArray());
        }
        return outputs;
    }

    /// <summary>Class probabilities as <see cref="Predictions"/>: each sample's most probable class, named by <paramref name="classNames"/> (numbered when null).</summary>
    /// <exception cref="InvalidDataException">The model gives another number of scores than the run recorded classes.</exception>
    internal static Predictions Classified(List<float[]> probabilities, IReadOnlyList<string>? classNames)
    {
        int classCount = probabilities.Count > 0 ? probabilities[0].Length : classNames?.Count ?? 0;
        var names = classNames ?? Enumerable.Range(0, classCount).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToList();
        if (names.Count != classCount)
            throw new InvalidDataException($"The model gives {classCount} class scores, but the run recorded {names.Count} classes ({string.Join(", ", names)}).");
        var classes = probabilities.Select(p => Array.IndexOf(p, p.Max())).ToArray();
        return new Predictions(names, [.. probabilities], classes);
    }
}
