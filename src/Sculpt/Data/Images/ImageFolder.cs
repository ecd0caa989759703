using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using SkiaSharp;
using TorchSharp;

namespace Sculpt.Data.Images;

/// <summary>
/// Reads a folder with one sub-folder of images per class (PNG, JPEG, BMP, GIF or WebP, as
/// SkiaSharp decodes them), resizing each to a fixed size. Files are read in name order, so the
/// result does not depend on the file system's listing order.
/// </summary>
public static class ImageFolder
{
    private static readonly string[] Extensions = [".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp"];

    /// <summary>
    /// Images <c>[N, channels, height, width]</c> scaled to [0, 1], and class indices <c>[N]</c>.
    /// </summary>
    /// <param name="folder">The folder of class sub-folders.</param>
    /// <param name="width">The width every image is resized to.</param>
    /// <param name="height">The height every image is resized to.</param>
    /// <param name="channels">1 for grey (BT.601 luma), 3 for RGB.</param>
    /// <param name="classNames">The classes in label order; null takes the sub-folders' names, sorted.</param>
    /// <param name="onBadRecord">Whether an image that does not decode stops the load (naming the file) or is skipped and counted.</param>
    public static (TensorDataset Data, string[] ClassNames, SkippedRecords Skipped) Load(
        string folder, int width, int height, int channels, string[]? classNames = null, BadRecords onBadRecord = BadRecords.Error)
    {
        if (width < 1 || height < 1) throw new ArgumentException($"Images need a positive size; got {width}x{height}.");
        if (channels is not (1 or 3)) throw new ArgumentException($"Images have 1 (grey) or 3 (RGB) channels; got {channels}.", nameof(channels));
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"The image folder '{folder}' does not exist.");
        var present = Directory.GetDirectories(folder).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray();
        var names = classNames ?? present;
        if (names.Length == 0) throw new InvalidDataException($"{folder} has no class sub-folders; put each class's images in a sub-folder named after the class.");
        foreach (string name in names)
        {
            if (!present.Contains(name)) throw new InvalidDataException($"{folder} has no sub-folder for class '{name}'; it has {(present.Length == 0 ? "none" : string.Join(", ", present))}.");
        }
        if (names.Length < 2)
        {
            throw new InvalidDataException($"{folder} has 1 class sub-folder ({names[0]}); a classifier needs at least 2. Add a sub-folder of images for each other class.");
        }
        var files = new List<(string Path, long Label)>();
        for (int label = 0; label < names.Length; label++)
        {
            string classFolder = Path.Combine(folder, names[label]);
            int before = files.Count;
            foreach (string file in Directory.GetFiles(classFolder).Order(StringComparer.Ordinal))
            {
                if (Extensions.Contains(Path.GetExtension(file).ToLowerInvariant())) files.Add((file, label));
            }
            // An empty class would shift no labels but train a score that never sees an example.
            if (files.Count == before) throw new InvalidDataException($"{classFolder} holds no images ({string.Join(", ", Extensions)}); add images of class '{names[label]}' or remove the folder.");
        }

        int pixels = channels * height * width;
        var data = new float[files.Count * pixels];
        var problems = new string?[files.Count];
        Parallel.For(0, files.Count, i => problems[i] = Decode(files[i].Path, width, height, channels, data.AsSpan(i * pixels, pixels)));

        var kept = Enumerable.Range(0, files.Count).Where(i => problems[i] is null).ToArray();
        var reasons = problems.OfType<string>().ToArray();
        if (reasons.Length > 0 && onBadRecord == BadRecords.Error)
        {
            throw new InvalidDataException(reasons[0] + "; declare OnBadRecord = BadRecords.Skip on the dataset to skip such files.");
        }
        if (kept.Length == 0) throw new InvalidDataException($"{folder}: no image could be decoded ({reasons[0]}).");
        var keptLabels = kept.Select(i => files[i].Label).ToHashSet();
        for (int label = 0; label < names.Length; label++)
        {
            if (keptLabels.Contains(label)) continue;
            string first = problems.Where((_, i) => files[i].Label == label).OfType<string>().First();
            throw new InvalidDataException($"{Path.Combine(folder, names[label])}: none of its images could be decoded ({first}); class '{names[label]}' would have no examples.");
        }
        var images = new float[kept.Length * pixels];
        for (int k = 0; k < kept.Length; k++) Array.Copy(data, kept[k] * pixels, images, k * pixels, pixels);
        var labels = kept.Select(i => files[i].Label).ToArray();
        var dataset = new TensorDataset(torch.tensor(images, [kept.Length, channels, height, width]), torch.tensor(labels));
        return (dataset, names, new SkippedRecords(folder, reasons.Length, reasons.Take(SkippedRecords.ReasonsKept).ToArray()));
    }

    /// <summary>
    /// The images of <paramref name="path"/>: the file itself, or every image file (by extension) under the folder and
    /// its sub-folders, in ordinal path order, so the order does not depend on the file system's listing.
    /// </summary>
    /// <exception cref="FileNotFoundException">The path does not exist.</exception>
    /// <exception cref="InvalidDataException">The folder holds no image files.</exception>
    public static IReadOnlyList<string> Files(string path)
    {
        if (File.Exists(path)) return [path];
        if (!Directory.Exists(path)) throw new FileNotFoundException($"'{path}' is neither an image file nor a folder of images.", path);
        var files = Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
            .Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant())).Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0) throw new InvalidDataException($"{path} holds no images ({string.Join(", ", Extensions)}), nor do its sub-folders.");
        return files;
    }

    /// <summary>
    /// Decodes <paramref name="files"/> and resizes each to <paramref name="layout"/>, as a dataset's images are read:
    /// values in [0, 1], channel-major, one image after another.
    /// </summary>
    /// <exception cref="InvalidDataException">A file cannot be read or decoded; the message names it.</exception>
    public static float[] Read(IReadOnlyList<string> files, ImageLayout layout)
    {
        if (layout.Width < 1 || layout.Height < 1 || layout.Channels is not (1 or 3)) throw new ArgumentException($"Images have a positive size and 1 or 3 channels; got {layout.Width}x{layout.Height} with {layout.Channels}.", nameof(layout));
        int pixels = layout.Size;
        var data = new float[files.Count * pixels];
        var problems = new string?[files.Count];
        Parallel.For(0, files.Count, i => problems[i] = Decode(files[i], layout.Width, layout.Height, layout.Channels, data.AsSpan(i * pixels, pixels)));
        if (problems.OfType<string>().FirstOrDefault() is { } problem) throw new InvalidDataException(problem);
        return data;
    }

    /// <summary>Decodes and resizes one file into <paramref name="target"/> (channel-major); the problem, or null.</summary>
    private static string? Decode(string path, int width, int height, int channels, Span<float> target)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (IOException problem)
        {
            return $"{path}: cannot be read ({problem.Message})";
        }
        using var encoded = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(encoded);
        if (codec is null) return $"{path}: not a decodable image (PNG, JPEG, BMP, GIF or WebP), or corrupt";
        var decodedInfo = codec.Info.WithColorType(SKColorType.Rgba8888).WithAlphaType(SKAlphaType.Unpremul);
        using var decoded = new SKBitmap(decodedInfo);
        // A cut-short file decodes partly (IncompleteInput): refused rather than trained on half an image.
        var result = codec.GetPixels(decodedInfo, decoded.GetPixels());
        if (result != SKCodecResult.Success) return $"{path}: cannot be decoded ({result})";
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        bool sized = decoded.Width == width && decoded.Height == height;
        using var resized = sized ? null : decoded.Resize(info, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        if (!sized && resized is null) return $"{path}: cannot be resized to {width}x{height}";
        var source = (resized ?? decoded).GetPixelSpan();
        int plane = width * height;
        for (int p = 0; p < plane; p++)
        {
            float r = source[4 * p] / 255f, g = source[4 * p + 1] / 255f, b = source[4 * p + 2] / 255f;
            if (channels == 1)
            {
                // ITU-R BT.601 luma, as most libraries turn RGB into grey.
                target[p] = 0.299f * r + 0.587f * g + 0.114f * b;
            }
            else
            {
                target[p] = r;
                target[plane + p] = g;
                target[2 * plane + p] = b;
            }
        }
        return null;
    }
}
