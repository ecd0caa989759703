using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;
using TorchSharp;

namespace Sculpt.Data;

/// <summary>
/// Per-feature (or per-channel) mean and standard deviation measured on a training split, applied
/// as <c>(x - mean) / std</c> to every split. A trainer saves it beside the weights
/// (<c>normalization.json</c>), because a model trained on standardised inputs needs the same
/// statistics at inference.
/// </summary>
/// <param name="Names">What each entry describes: feature columns or channels.</param>
/// <param name="Mean">The training split's means.</param>
/// <param name="Std">The training split's standard deviations (1 where a feature is constant).</param>
/// <param name="Shape">How the statistics broadcast over one sample: <c>[F]</c> for features, <c>[C, 1, 1]</c> for image channels.</param>
public sealed record FeatureNormalization(string[] Names, float[] Mean, float[] Std, long[] Shape)
{
    /// <summary>
    /// The statistics of <paramref name="features"/> <c>[N, ...]</c> over every dim but
    /// <paramref name="featureDim"/> (1: columns of a table or channels of images).
    /// </summary>
    public static FeatureNormalization Measure(torch.Tensor features, string[] names, int featureDim = 1)
    {
        using var scope = torch.NewDisposeScope();
        long count = features.size(featureDim);
        if (names.Length != count) throw new ArgumentException($"{names.Length} names for {count} features.", nameof(names));
        // Two passes in float64 over a few thousand samples at a time: a float64 copy of a whole image
        // dataset would be twice its float32 size (345 MB more for Fashion-MNIST's training split).
        long samples = features.size(0), values = features.numel() / count;
        long chunk = Math.Max(1, (1L << 20) / Math.Max(1, features[0].numel()));
        torch.Tensor PerFeature(long start) => features.narrow(0, start, Math.Min(chunk, samples - start)).transpose(0, featureDim).reshape(count, -1).to(torch.float64);
        var sum = torch.zeros(count, torch.float64, features.device);
        for (long start = 0; start < samples; start += chunk)
        {
            using var part = torch.NewDisposeScope();
            sum.add_(PerFeature(start).sum([1]));
        }
        var mean = sum / values;
        var squares = torch.zeros(count, torch.float64, features.device);
        for (long start = 0; start < samples; start += chunk)
        {
            using var part = torch.NewDisposeScope();
            squares.add_((PerFeature(start) - mean.unsqueeze(1)).square().sum([1]));
        }
        var std = (squares / values).sqrt();
        var shape = Enumerable.Range(1, (int)features.dim() - 1).Select(d => d == featureDim ? count : 1L).ToArray();
        var stds = std.to(torch.float32).data<float>().ToArray().Select(s => s > 1e-12f ? s : 1f).ToArray();
        return new FeatureNormalization(names, mean.to(torch.float32).data<float>().ToArray(), stds, shape);
    }

    /// <summary><paramref name="features"/> <c>[N, ...]</c> standardised in place; returns it.</summary>
    public torch.Tensor ApplyInPlace(torch.Tensor features)
    {
        using var scope = torch.NewDisposeScope();
        var shape = new[] { 1L }.Concat(Shape).ToArray();
        var mean = torch.tensor(Mean, device: features.device).view(shape);
        var std = torch.tensor(Std, device: features.device).view(shape);
        return features.sub_(mean).div_(std);
    }

    /// <summary>A standardised copy of <paramref name="features"/> <c>[N, ...]</c>.</summary>
    public torch.Tensor Apply(torch.Tensor features) => ApplyInPlace(features.clone());

    /// <summary>The statistics as the JSON <see cref="Save"/> writes (checkpoints carry it too).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, NormalizationJson.Default.FeatureNormalization);

    /// <summary>Writes <see cref="ToJson"/> to <paramref name="path"/>, atomically.</summary>
    public void Save(string path) => Checkpoints.AtomicFile.WriteAllText(path, ToJson());

    /// <summary>Reads statistics <see cref="Save"/> wrote; errors name the file.</summary>
    public static FeatureNormalization Load(string path)
    {
        try
        {
            var loaded = JsonSerializer.Deserialize(File.ReadAllText(path), NormalizationJson.Default.FeatureNormalization);
            if (loaded is null || loaded.Mean.Length != loaded.Std.Length || loaded.Mean.Length != loaded.Names.Length)
            {
                throw new InvalidDataException($"{path}: the names, means and deviations differ in length.");
            }
            return loaded;
        }
        catch (JsonException problem)
        {
            throw new InvalidDataException($"{path} is not a normalization file: {problem.Message}", problem);
        }
    }
}

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(FeatureNormalization))]
internal sealed partial class NormalizationJson : JsonSerializerContext;
