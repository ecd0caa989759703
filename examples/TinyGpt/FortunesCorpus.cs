using System;
using System.IO;
using System.Linq;
using System.Text;
using Sculpt.Data;
using Sculpt.Text;
using static TorchSharp.torch;

namespace TinyGpt;

/// <summary>
/// The fortune cookies of Debian's <c>fortunes</c> package as one character stream, cut into
/// windows of <see cref="Context"/> + 1 characters: the input is a window's first
/// <see cref="Context"/> characters, the target the same shifted by one. The last tenth of the
/// stream is the validation split, so no validation text is ever seen in training.
/// </summary>
public sealed class FortunesCorpus : ITextSource
{
    public const string DebianFolder = "/usr/share/games/fortunes";
    public const int Context = 64;
    public static CharVocabulary Vocabulary => CharVocabulary.Ascii;

    /// <summary>The characters of <see cref="Vocabulary"/>, which <c>predict --prompt</c> cuts prompts with.</summary>
    public TextTokenizer Tokenizer => TextTokenizer.Characters;

    int ITextSource.Context => Context;

    public DataSplits Load(int seed) => Splits(ReadText());

    /// <summary>Windows of <paramref name="text"/>: the first nine tenths for training, the last tenth for validation.</summary>
    public static DataSplits Splits(string text)
    {
        using var tokens = tensor(Vocabulary.Encode(text));
        long split = tokens.size(0) * 9 / 10;
        return new DataSplits(Windows(tokens.narrow(0, 0, split)), Windows(tokens.narrow(0, split, tokens.size(0) - split)));
    }

    /// <summary>Every fortune file of the folder (the plain-text ones, not the .dat indexes) that <paramref name="include"/> takes by name, in name order.</summary>
    public static string ReadText(Func<string, bool>? include = null)
    {
        string folder = Environment.GetEnvironmentVariable("FORTUNES_DIR") ?? DebianFolder;
        var files = Directory.Exists(folder)
            ? Directory.GetFiles(folder).Where(f => Path.GetExtension(f).Length == 0 && (include?.Invoke(Path.GetFileName(f)) ?? true)).Order(StringComparer.Ordinal).ToArray()
            : [];
        if (files.Length == 0)
        {
            throw new DirectoryNotFoundException(
                $"No fortune files in {folder}. Install them with `sudo apt-get install fortunes` (Debian/Ubuntu), or set FORTUNES_DIR to a folder of plain-text files.");
        }
        var text = new StringBuilder();
        foreach (var file in files)
        {
            // Fortunes are separated by lines holding a single '%'; a blank line reads better.
            foreach (var line in File.ReadLines(file, Encoding.Latin1)) text.Append(line == "%" ? "" : line).Append('\n');
        }
        return text.ToString();
    }

    private static TensorDataset Windows(Tensor stream)
    {
        long count = (stream.size(0) - 1) / Context;
        var inputs = stream.narrow(0, 0, count * Context).view(count, Context);
        var targets = stream.narrow(0, 1, count * Context).view(count, Context);
        return new TensorDataset(inputs.clone(), targets.clone());
    }
}
