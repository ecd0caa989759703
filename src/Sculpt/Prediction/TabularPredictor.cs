using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Sculpt.Data;
using Sculpt.Data.Tabular;
using Sculpt.HyperParameters;
using Sculpt.Models;
using Sculpt.Training;
using TorchSharp;

namespace Sculpt.Prediction;

/// <summary>
/// A trained tabular model ready for new rows, loaded from its run folder alone: <c>config.json</c> builds the model,
/// the weights come from <c>model.dat</c> (or <c>merged.safetensors</c> after LoRA), <c>normalization.json</c>
/// standardises the features as training did (and fills declared-missing values with the training means), and
/// <c>classes.json</c> names the classes. New files are read with the dataset's own declaration, features only: a
/// label column is neither needed nor read. Runs in eval mode, without gradients, in batches.
/// </summary>
public sealed class TabularPredictor<TModel, TData, TConfig> : IDisposable
    where TModel : torch.nn.Module<torch.Tensor, torch.Tensor>, ISculptModel<TModel, TConfig>
    where TData : ITabularSource<TData>
    where TConfig : TrainingHyperParameters, IHyperParameters<TConfig>
{
    private TabularPredictor(TModel model, TConfig config, FeatureNormalization? normalization, IReadOnlyList<string>? classNames)
    {
        Model = model;
        Config = config;
        Normalization = normalization;
        ClassNames = classNames;
    }

    /// <summary>The model, in eval mode.</summary>
    public TModel Model { get; }

    /// <summary>The hyperparameters it was trained with.</summary>
    public TConfig Config { get; }

    /// <summary>The training features' statistics; null when the dataset is not standardised.</summary>
    public FeatureNormalization? Normalization { get; }

    /// <summary>The class names the run recorded; null for a regression, or when the run recorded none (then the classes are numbered).</summary>
    public IReadOnlyList<string>? ClassNames { get; }

    /// <summary>Loads the model a training run left in <paramref name="runFolder"/>.</summary>
    /// <exception cref="FileNotFoundException">The folder lacks <c>config.json</c> or the weights.</exception>
    /// <exception cref="InvalidDataException">A file of the folder cannot be read, or does not fit the model.</exception>
    public static TabularPredictor<TModel, TData, TConfig> Load(string runFolder)
    {
        var (model, config) = TrainedModel.Load<TModel, TConfig>(runFolder);
        try
        {
            model.eval();
            var normalization = TrainedModel.Normalization(runFolder);
            if (normalization is not null && !normalization.Names.SequenceEqual(TData.FeatureNames))
                throw new InvalidDataException($"{Path.Combine(runFolder, Checkpoints.Checkpoint.NormalizationFile)} standardises {normalization.Names.Length} features ({string.Join(", ", normalization.Names.Take(4))}, ...), not those {typeof(TData).Name} declares; the run folder is of another dataset.");
            return new TabularPredictor<TModel, TData, TConfig>(model, config, normalization, TData.Regression ? null : TrainedModel.ClassNames(runFolder));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Predicts every row of <paramref name="path"/>, a file laid out as the dataset declares, with or without its label column.</summary>
    /// <exception cref="InvalidDataException">The file is missing a feature column, or a row has a malformed or unknown value; the message names the file and line.</exception>
    public Predictions PredictFile(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Input file '{path}' does not exist.", path);
        return Predict(TData.ReadCsv(path, labelled: false));
    }

    /// <summary>Predicts the rows of <paramref name="table"/>, read with the dataset's declaration (<c>ReadCsv(path, labelled: false)</c>).</summary>
    public Predictions Predict(TabularData table) => Predict(table.Features, table.Rows, table.Path);

    /// <summary>Predicts records built in code, as their rows in a file would be predicted.</summary>
    /// <exception cref="ArgumentException">A record has a value missing that the dataset does not fill, an undeclared category, or a vector of another length.</exception>
    public Predictions Predict(IEnumerable<TData> records)
    {
        int width = TData.FeatureNames.Count;
        var list = records as IReadOnlyList<TData> ?? records.ToList();
        var features = new float[list.Count * width];
        for (int row = 0; row < list.Count; row++) TData.WriteFeatures(list[row], features.AsSpan(row * width, width));
        return Predict(features, list.Count, typeof(TData).Name + " records");
    }

    /// <summary>Predicts one record built in code.</summary>
    public Predictions Predict(TData record) => Predict([record]);

    private Predictions Predict(float[] rows, int count, string source)
    {
        using var scope = torch.NewDisposeScope();
        int width = TData.FeatureNames.Count;
        var features = torch.tensor(rows.AsMemory(0, count * width), [count, .. TData.FeatureShape ?? [width]]);
        FillMissing(features, source);
        Normalization?.ApplyInPlace(features);
        var outputs = TrainedModel.Outputs(Model, features, softmax: !TData.Regression);
        if (!TData.Regression) return TrainedModel.Classified(outputs, ClassNames);
        return new Predictions(TargetNamesFor(outputs.Count > 0 ? outputs[0].Length : TData.TargetNames.Count), [.. outputs], null);
    }

    /// <summary>Values the dataset declares <c>FillMean</c> arrive as NaN; they take the training means, as in training.</summary>
    private void FillMissing(torch.Tensor features, string source)
    {
        using var missing = torch.isnan(features);
        if (!missing.any().item<bool>()) return;
        if (Normalization is null || Normalization.Mean.Length != TData.FeatureNames.Count)
        {
            long row = missing.reshape(missing.size(0), -1).any(1).nonzero()[0, 0].item<long>();
            throw new InvalidDataException($"{source}: row {row + 1} has a missing value, and the run folder holds no training means to fill it with (its dataset is not standardised).");
        }
        using var means = torch.tensor(Normalization.Mean).view([1, .. features.shape[1..]]).expand_as(features);
        features.copy_(torch.where(missing, means, features));
    }

    private static IReadOnlyList<string> TargetNamesFor(int width)
    {
        var names = TData.TargetNames;
        return names.Count == width ? names : Enumerable.Range(0, width).Select(i => $"target{i + 1}").ToList();
    }

    public void Dispose() => Model.Dispose();
}
