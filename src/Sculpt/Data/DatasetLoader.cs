using System;
using System.IO;
using System.Linq;
using System.Text;
using Sculpt.Data.Images;
using Sculpt.Text;
using TorchSharp;

namespace Sculpt.Data;

/// <summary>
/// What the generated <c>Load</c> of a declared dataset calls: read the source, split it, measure
/// normalisation on the training split. One method per source kind (CSV has a generated parser
/// and <see cref="Tabular.TabularData.Split"/>).
/// </summary>
public static class DatasetLoader
{
    /// <summary>
    /// Where a declared path points. With <paramref name="dataFolder"/> (the command line's
    /// <c>--data</c>) a relative path is taken inside it, and an absolute one by its file name;
    /// otherwise an absolute path is used as is and a relative one is looked up in the working
    /// directory, then beside the program.
    /// </summary>
    public static string Resolve(string path, string? dataFolder = null)
    {
        if (dataFolder is not null) return Path.Combine(dataFolder, Path.IsPathRooted(path) ? Path.GetFileName(path.TrimEnd('/', '\\')) : path);
        if (Path.IsPathRooted(path)) return path;
        string beside = Path.Combine(AppContext.BaseDirectory, path);
        return !File.Exists(path) && !Directory.Exists(path) && (File.Exists(beside) || Directory.Exists(beside)) ? beside : Path.GetFullPath(path);
    }

    /// <summary>An IDX dataset: test from the test files when given, else from <paramref name="test"/> of the training files.</summary>
    public static DataSplits Idx(
        string images, string labels, string? testImages, string? testLabels, long[] shape, int classes,
        double validation, double test, int seed, bool stratify, bool normalize, BadRecords onBadRecord)
    {
        var (all, skipped) = IdxFile.LoadImages(images, labels, classes, shape, onBadRecord);
        using (all)
        {
            var splits = DataSplitting.Split(all, validation, testImages is null ? test : 0, seed, stratify);
            if (testImages is not null && testLabels is not null)
            {
                var (testData, testSkipped) = IdxFile.LoadImages(testImages, testLabels, classes, shape, onBadRecord);
                splits = splits with { Test = testData, Skipped = testSkipped.Count > 0 ? [testSkipped] : [] };
            }
            splits = Normalized(splits, normalize, ["grey"]);
            return skipped.Count > 0 ? splits with { Skipped = [skipped, .. splits.Skipped] } : splits;
        }
    }

    /// <summary>A folder of class sub-folders of images.</summary>
    public static DataSplits ImageFolder(
        string folder, int width, int height, int channels, string[]? classNames,
        double validation, double test, int seed, bool stratify, bool normalize, BadRecords onBadRecord)
    {
        var (all, names, skipped) = Images.ImageFolder.Load(folder, width, height, channels, classNames, onBadRecord);
        using (all)
        {
            var splits = DataSplitting.Split(all, validation, test, seed, stratify);
            splits = Normalized(splits, normalize, channels == 1 ? ["grey"] : ["red", "green", "blue"]);
            return splits with { ClassNames = names, Skipped = skipped.Count > 0 ? [skipped] : [] };
        }
    }

    /// <summary>
    /// A text file, or the text files of a folder in name order (files with NUL bytes, such as
    /// indexes, and links to files already read are left out), as next-token windows. Validation, then test, are the end of the
    /// stream, so their windows never overlap training text.
    /// </summary>
    public static DataSplits Text(string path, Tokenization tokenization, int context, string cacheFolder, double validation, double test)
    {
        var tokenizer = tokenization == Tokenization.Gpt2 ? TextTokenizer.Gpt2 : TextTokenizer.Characters;
        var ids = TokenStream.Load(ReadText(path), tokenizer, cacheFolder, out _);
        long trainEnd = (long)(ids.Length * (1 - validation - test));
        long validationEnd = (long)(ids.Length * (1 - test));
        var train = TokenStream.Windows(new ArraySegment<long>(ids, 0, (int)trainEnd), context);
        var validationPart = TokenStream.Windows(new ArraySegment<long>(ids, (int)trainEnd, (int)(validationEnd - trainEnd)), context);
        var testPart = test > 0 ? TokenStream.Windows(new ArraySegment<long>(ids, (int)validationEnd, ids.Length - (int)validationEnd), context) : null;
        return new DataSplits(train, validationPart, testPart);
    }

    /// <summary>The text of a file, or of every text file of a folder in name order.</summary>
    public static string ReadText(string path)
    {
        if (File.Exists(path)) return File.ReadAllText(path);
        if (!Directory.Exists(path)) throw new FileNotFoundException($"The text source '{path}' is neither a file nor a folder.", path);
        var text = new StringBuilder();
        var read = new System.Collections.Generic.HashSet<string>(StringComparer.Ordinal);
        foreach (string file in Directory.GetFiles(path).Order(StringComparer.Ordinal))
        {
            // A link to a file already read (Debian's fortunes has name.u8 -> name) would repeat its
            // text, and a repeat can land on both sides of the validation split.
            string target = new FileInfo(file).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(file);
            if (!read.Add(target)) continue;
            byte[] bytes = File.ReadAllBytes(file);
            if (Array.IndexOf(bytes, (byte)0) >= 0) continue;
            text.Append(Encoding.UTF8.GetString(bytes));
            if (text.Length > 0 && text[^1] != '\n') text.Append('\n');
        }
        if (text.Length == 0) throw new InvalidDataException($"{path} holds no text files.");
        return text.ToString();
    }

    /// <summary>The splits standardised per channel (dim 1) with the training split's statistics.</summary>
    private static DataSplits Normalized(DataSplits splits, bool normalize, string[] names)
    {
        if (!normalize) return splits;
        var normalization = FeatureNormalization.Measure(splits.Train.Features, names);
        normalization.ApplyInPlace(splits.Train.Features);
        normalization.ApplyInPlace(splits.Validation.Features);
        if (splits.Test is { } test) normalization.ApplyInPlace(test.Features);
        return splits with { Normalization = normalization };
    }
}
