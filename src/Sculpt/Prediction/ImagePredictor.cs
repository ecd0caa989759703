using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Sculpt.Data;
using Sculpt.Data.Images;
using Sculpt.HyperParameters;
using Sculpt.Models;
using Sculpt.Training;
using TorchSharp;

namespace Sculpt.Prediction;

/// <summary>
/// A trained image classifier ready for new image files, loaded from its run folder alone: <c>config.json</c> builds
/// the model, the weights come from <c>model.dat</c> (or <c>merged.safetensors</c> after LoRA),
/// <c>normalization.json</c> standardises each channel as training did, and <c>classes.json</c> names the classes.
/// A file is decoded and resized exactly as the dataset's images are (<see cref="ImageFolder.Read"/>), at the
/// dataset's <see cref="IImageSource.Layout"/>. Runs in eval mode, without gradients, in batches. A trainer of an
/// image dataset has it as <c>LoadPredictor</c>.
/// </summary>
public sealed class ImagePredictor<TModel, TConfig> : IDisposable
    where TModel : torch.nn.Module<torch.Tensor, torch.Tensor>, ISculptModel<TModel, TConfig>
    where TConfig : TrainingHyperParameters, IHyperParameters<TConfig>
{
    // Decoded images are held as floats until they run: a few thousand bound the memory a large folder takes.
    private const int FilesAtOnce = 1024;

    private ImagePredictor(TModel model, TConfig config, ImageLayout layout, FeatureNormalization? normalization, IReadOnlyList<string>? classNames)
    {
        Model = model;
        Config = config;
        Layout = layout;
        Normalization = normalization;
        ClassNames = classNames;
    }

    /// <summary>The model, in eval mode.</summary>
    public TModel Model { get; }

    /// <summary>The hyperparameters it was trained with.</summary>
    public TConfig Config { get; }

    /// <summary>The size and channels every image is read at.</summary>
    public ImageLayout Layout { get; }

    /// <summary>The training images' per-channel statistics; null when the dataset is not standardised.</summary>
    public FeatureNormalization? Normalization { get; }

    /// <summary>The class names the run recorded; null when it recorded none (then the classes are numbered).</summary>
    public IReadOnlyList<string>? ClassNames { get; }

    /// <summary>Loads the model a training run left in <paramref name="runFolder"/>, for images read as <typeparamref name="TData"/>'s are.</summary>
    /// <exception cref="FileNotFoundException">The folder lacks <c>config.json</c> or the weights.</exception>
    /// <exception cref="InvalidDataException">A file of the folder cannot be read, or does not fit the model or the dataset.</exception>
    public static ImagePredictor<TModel, TConfig> Load<TData>(string runFolder) where TData : IImageSource, new() => Load(runFolder, new TData().Layout);

    /// <summary>Loads the model a training run left in <paramref name="runFolder"/>, for images read at <paramref name="layout"/> (the dataset's <see cref="IImageSource.Layout"/>).</summary>
    /// <exception cref="FileNotFoundException">The folder lacks <c>config.json</c> or the weights.</exception>
    /// <exception cref="InvalidDataException">A file of the folder cannot be read, or does not fit the model or the layout.</exception>
    public static ImagePredictor<TModel, TConfig> Load(string runFolder, ImageLayout layout)
    {
        var (model, config) = TrainedModel.Load<TModel, TConfig>(runFolder);
        try
        {
            var normalization = TrainedModel.Normalization(runFolder);
            if (normalization is not null && normalization.Mean.Length != layout.Channels)
            {
                throw new InvalidDataException(
                    $"{Path.Combine(runFolder, Checkpoints.Checkpoint.NormalizationFile)} standardises {normalization.Mean.Length} values ({string.Join(", ", normalization.Names.Take(4))}), not the {layout.Channels} channel(s) of {layout} images; the run folder is of another dataset.");
            }
            return new ImagePredictor<TModel, TConfig>(model, config, layout, normalization, TrainedModel.ClassNames(runFolder));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Predicts an image file, or every image under a folder and its sub-folders (in ordinal path order); the
    /// predictions name each row's file.
    /// </summary>
    /// <exception cref="FileNotFoundException">The path does not exist.</exception>
    /// <exception cref="InvalidDataException">A file is not a decodable image (the message names it), or a folder holds none.</exception>
    public Predictions PredictPath(string path) => Predict(ImageFolder.Files(path));

    /// <summary>Predicts each of <paramref name="files"/>, in order.</summary>
    /// <exception cref="InvalidDataException">A file cannot be read or is not a decodable image; the message names it.</exception>
    public Predictions Predict(IReadOnlyList<string> files)
    {
        var probabilities = new List<float[]>(files.Count);
        for (int start = 0; start < files.Count; start += FilesAtOnce)
        {
            var part = files.Skip(start).Take(FilesAtOnce).ToList();
            using var scope = torch.NewDisposeScope();
            var images = torch.tensor(ImageFolder.Read(part, Layout), [part.Count, Layout.Channels, Layout.Height, Layout.Width]);
            Normalization?.ApplyInPlace(images);
            probabilities.AddRange(TrainedModel.Outputs(Model, images, softmax: true));
        }
        return TrainedModel.Classified(probabilities, ClassNames) with { Files = files };
    }

    /// <summary>Predicts one image file.</summary>
    public Predictions Predict(string file) => Predict([file]);

    public void Dispose() => Model.Dispose();
}
