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
        DataSplits splits;
        // The whole file goes before the test files come: the splits are copies of its rows.
        using (all) splits = DataSplitting.Split(all, validation, testImages is null ? test : 0, seed, stratify, images) with { Source = images };
        if (testImages is not null && testLabels is not null)
        {
            var (testData, testSkipped) = IdxFile.LoadImages(testImages, testLabels, classes, shape, onBadRecord);
            splits = splits with { Test = testData, Skipped = testSkipped.Count > 0 ? [testSkipped] : [] };
        }
        splits = Normalized(splits, normalize, ["grey"]);
        return skipped.Count > 0 ? splits with { Skipped = [skipped, .. splits.Skipped] } : splits;
    }

    /// <summary>A folder of class sub-folders of images.</summary>
    public static DataSplits ImageFolder(
        string folder, int width, int height, int channels, string[]? classNames,
        double validation, double test, int seed, bool stratify, bool normalize, BadRecords onBadRecord)
    {
        var (all, names, skipped) = Images.ImageFolder.Load(folder, width, height, channels, classNames, onBadRecord);
        using (all)
        {
            var splits = DataSplitting.Split(all, validation, test, seed, stratify, folder);
            splits = Normalized(splits, normalize, channels == 1 ? ["grey"] : ["red", "green", "blue"]);
            return splits with { ClassNames = names, Skipped = skipped.Count > 0 ? [skipped] : [], Source = folder };
        }
    }

    /// <summary>
    /// The share of a text's characters that may lie outside a character tokenizer's vocabulary
    /// (newline and printable ASCII): above it a file is refused, since training would mostly learn
    /// the unknown token. Text in another script, or in another encoding read as UTF-8, goes far over.
    /// </summary>
    public const double MaxUnknownShare = 0.05;

    /// <summary>
    /// A text file, or the text files of a folder in name order (files with NUL bytes, such as
    /// indexes, and links to files already read are left out), as next-token windows. Validation, then test, are the end of the
    /// stream, so their windows never overlap training text. A file that is empty, binary, not
    /// UTF-8, or (for characters) has more than <see cref="MaxUnknownShare"/> of its characters
    /// outside the vocabulary is refused, and so is text too short for one window per split.
    /// </summary>
    public static DataSplits Text(string path, Tokenization tokenization, int context, string cacheFolder, double validation, double test)
    {
        var tokenizer = tokenization == Tokenization.Gpt2 ? TextTokenizer.Gpt2 : TextTokenizer.Characters;
        var text = new StringBuilder();
        foreach (var (file, content) in ReadTextFiles(path))
        {
            int unknown = tokenizer.CountUnknown(content);
            if (unknown > MaxUnknownShare * content.Length)
            {
                throw new InvalidDataException(
                    $"{file}: {unknown * 100.0 / content.Length:F0}% of its characters are outside the tokenizer's vocabulary ({tokenizer.Name}; at most {MaxUnknownShare * 100:F0}% may be), so it is text in another script or encoding. Save it as UTF-8 text the tokenizer covers, or use Tokenizer = Tokenization.Gpt2.");
            }
            text.Append(content);
        }
        var ids = TokenStream.Load(text.ToString(), tokenizer, cacheFolder, out _);
        long trainEnd = (long)(ids.Length * (1 - validation - test));
        long validationEnd = (long)(ids.Length * (1 - test));
        var parts = new[] { ("training", 0L, trainEnd), ("validation", trainEnd, validationEnd - trainEnd), ("test", validationEnd, test > 0 ? ids.Length - validationEnd : 0) };
        foreach (var (name, _, count) in parts)
        {
            if (count - 1 < context && (name != "test" || test > 0))
            {
                throw new InvalidDataException(
                    $"{path}: its {ids.Length:N0} tokens leave the {name} split {count:N0}, fewer than one window of {context} tokens and the next one. Use more text, or a shorter Context.");
            }
        }
        var train = TokenStream.Windows(new ArraySegment<long>(ids, 0, (int)trainEnd), context);
        var validationPart = TokenStream.Windows(new ArraySegment<long>(ids, (int)trainEnd, (int)(validationEnd - trainEnd)), context);
        var testPart = test > 0 ? TokenStream.Windows(new ArraySegment<long>(ids, (int)validationEnd, ids.Length - (int)validationEnd), context) : null;
        return new DataSplits(train, validationPart, testPart) { Source = path };
    }

    /// <summary>The text of a file, or of every text file of a folder in name order.</summary>
    /// <exception cref="InvalidDataException">A file is empty, binary or not UTF-8, or a folder holds no text files.</exception>
    public static string ReadText(string path)
    {
        var text = new StringBuilder();
        foreach (var (_, content) in ReadTextFiles(path)) text.Append(content);
        return text.ToString();
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Each text file of <paramref name="path"/> (the file itself, or a folder's files in name order)
    /// with its text. A single file must be UTF-8 text (a byte-order mark of UTF-8 or UTF-16 is read
    /// as such); in a folder, files with NUL bytes are indexes or other binaries and are left out.
    /// </summary>
    private static System.Collections.Generic.List<(string File, string Text)> ReadTextFiles(string path)
    {
        var files = new System.Collections.Generic.List<(string, string)>();
        if (File.Exists(path))
        {
            files.Add((path, Decode(path, File.ReadAllBytes(path), inFolder: false)!));
            return files;
        }
        if (!Directory.Exists(path)) throw new FileNotFoundException($"The text source '{path}' is neither a file nor a folder.", path);
        var read = new System.Collections.Generic.HashSet<string>(StringComparer.Ordinal);
        foreach (string file in Directory.GetFiles(path).Order(StringComparer.Ordinal))
        {
            // A link to a file already read (Debian's fortunes has name.u8 -> name) would repeat its
            // text, and a repeat can land on both sides of the validation split.
            string target = new FileInfo(file).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(file);
            if (!read.Add(target)) continue;
            // Each file ends its last line, so that no two files' lines run together.
            if (Decode(file, File.ReadAllBytes(file), inFolder: true) is { Length: > 0 } content) files.Add((file, content.EndsWith('\n') ? content : content + "\n"));
        }
        if (files.Count == 0) throw new InvalidDataException($"{path} holds no text files (files with NUL bytes are left out as binary). Add UTF-8 text files.");
        return files;
    }

    /// <summary>The text of one file's bytes; null for a binary file of a folder (left out).</summary>
    private static string? Decode(string file, byte[] bytes, bool inFolder)
    {
        if (bytes.Length >= 2 && (bytes[0], bytes[1]) is (0xFF, 0xFE) or (0xFE, 0xFF))
        {
            // UTF-16 with its byte-order mark says what it is.
            return new StreamReader(new MemoryStream(bytes), detectEncodingFromByteOrderMarks: true).ReadToEnd();
        }
        int nul = Array.IndexOf(bytes, (byte)0);
        if (nul >= 0)
        {
            if (inFolder) return null;
            throw new InvalidDataException(
                $"{file} is not UTF-8 text: byte {nul:N0} is NUL (a binary file, or UTF-16 text without a byte-order mark). Save it as UTF-8 text.");
        }
        if (bytes.Length == 0 && !inFolder) throw new InvalidDataException($"{file} is empty. Give a text file with at least a few windows of text.");
        try
        {
            int start = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
            return StrictUtf8.GetString(bytes, start, bytes.Length - start);
        }
        catch (DecoderFallbackException invalid)
        {
            string at = invalid.Index >= 0 ? $" near byte {invalid.Index:N0}" : "";
            throw new InvalidDataException($"{file} is not UTF-8 text: invalid UTF-8{at} (perhaps Latin-1 or another legacy encoding). Save it as UTF-8 text.");
        }
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
