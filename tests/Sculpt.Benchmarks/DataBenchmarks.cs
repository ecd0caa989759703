using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using BenchmarkDotNet.Attributes;
using CsvHelper;
using Sculpt.Data;
using Sculpt.Data.Tabular;
using Sculpt.Text;

namespace Sculpt.Benchmarks;

/// <summary>
/// A 20-column table: 19 features and a class label, as the CSV benchmark's file holds them. The
/// same record is mapped by both generators: Sculpt's (<c>[CsvDataset]</c>) and CsvHelper's (<c>[CsvRecord]</c>).
/// </summary>
[CsvDataset("wide.csv")]
[CsvRecord]
public partial record WideRow
{
    public float F0 { get; init; }
    public float F1 { get; init; }
    public float F2 { get; init; }
    public float F3 { get; init; }
    public float F4 { get; init; }
    public float F5 { get; init; }
    public float F6 { get; init; }
    public float F7 { get; init; }
    public float F8 { get; init; }
    public float F9 { get; init; }
    public float F10 { get; init; }
    public float F11 { get; init; }
    public float F12 { get; init; }
    public float F13 { get; init; }
    public float F14 { get; init; }
    public float F15 { get; init; }
    public float F16 { get; init; }
    public float F17 { get; init; }
    public float F18 { get; init; }
    [Label(Classes = 10)] public int Label { get; init; }
}

/// <summary>
/// The generated CSV loader against CsvHelper reading the same 1,000,000 x 20 file into the same
/// arrays: once the way most code does (<c>GetRecords&lt;T&gt;</c>), once field by field
/// (<c>Parse&lt;float&gt;(i)</c>, CsvHelper 34's allocation-free typed path).
/// </summary>
[MemoryDiagnoser]
[InProcess]
public class CsvLoadBenchmark
{
    public const int Rows = 1_000_000;
    private const int Features = 19;
    private string _path = "";

    [GlobalSetup]
    public void WriteFile()
    {
        _path = Path.Combine(Path.GetTempPath(), "sculpt-benchmark-wide.csv");
        if (File.Exists(_path)) return;
        var random = new Random(7);
        using var writer = new StreamWriter(_path, false, new UTF8Encoding(false), 1 << 20);
        writer.WriteLine(string.Join(",", Enumerable.Range(0, Features).Select(i => $"F{i}").Append("Label")));
        var line = new StringBuilder();
        for (int row = 0; row < Rows; row++)
        {
            line.Clear();
            for (int i = 0; i < Features; i++) line.Append((random.NextDouble() * 200 - 100).ToString("F4", CultureInfo.InvariantCulture)).Append(',');
            line.Append(random.Next(10).ToString(CultureInfo.InvariantCulture));
            writer.WriteLine(line);
        }
    }

    private static readonly CsvReaderOptions Options = CsvReaderOptions.Default with { Separator = ',', HasHeader = true, FormatProvider = CultureInfo.InvariantCulture };

    [Benchmark(Baseline = true)]
    public int Sculpt_generated_loader() => WideRow.ReadCsv(_path).Rows;

    /// <summary>The generated loader on one thread, for the record.</summary>
    public int Sculpt_generated_loader_one_thread() => WideRow.ReadCsv(_path, workers: 1).Rows;

    /// <summary>
    /// The loaders as interleaved pairs against CsvHelper's fastest path (see <see cref="Paired"/>):
    /// on this drifting machine, sequential BenchmarkDotNet cases move by a third between runs.
    /// </summary>
    public static void RunPaired(TextWriter output, int pairs)
    {
        var benchmark = new CsvLoadBenchmark();
        benchmark.WriteFile();
        for (int i = 0; i < 2; i++)
        {
            benchmark.CsvHelper_Parse();
            benchmark.Sculpt_generated_loader();
        }
        output.WriteLine($"CSV, {Rows:N0} rows x 20 columns, medians of {pairs} interleaved pairs (ms):");
        foreach (var (name, baseline, candidate) in new (string, Func<int>, Func<int>)[]
        {
            ("Sculpt (all cores) vs CsvHelper Parse<float>", benchmark.CsvHelper_Parse, benchmark.Sculpt_generated_loader),
            ("Sculpt (one thread) vs CsvHelper Parse<float>", benchmark.CsvHelper_Parse, benchmark.Sculpt_generated_loader_one_thread),
            ("Sculpt (all cores) vs CsvHelper GetRecords<T>", benchmark.CsvHelper_GetRecords, benchmark.Sculpt_generated_loader),
        })
        {
            var (csvHelper, sculpt, ratio) = Paired.Measure(() => { GC.Collect(); baseline(); }, () => { GC.Collect(); candidate(); }, pairs);
            output.WriteLine(FormattableString.Invariant($"  {name,-48} CsvHelper {csvHelper,6:F0}  Sculpt {sculpt,6:F0}  ratio {ratio:F2}"));
        }
    }

    [Benchmark]
    public int CsvHelper_GetRecords()
    {
        using var csv = CsvReader.FromFile(_path, Options);
        var features = new float[Rows * Features];
        var labels = new long[Rows];
        int row = 0;
        foreach (var record in csv.GetRecords<WideRow>())
        {
            int at = row * Features;
            features[at] = record.F0; features[at + 1] = record.F1; features[at + 2] = record.F2; features[at + 3] = record.F3;
            features[at + 4] = record.F4; features[at + 5] = record.F5; features[at + 6] = record.F6; features[at + 7] = record.F7;
            features[at + 8] = record.F8; features[at + 9] = record.F9; features[at + 10] = record.F10; features[at + 11] = record.F11;
            features[at + 12] = record.F12; features[at + 13] = record.F13; features[at + 14] = record.F14; features[at + 15] = record.F15;
            features[at + 16] = record.F16; features[at + 17] = record.F17; features[at + 18] = record.F18;
            labels[row++] = record.Label;
        }
        return row;
    }

    [Benchmark]
    public int CsvHelper_Parse() => CsvHelperOn(_path);

    public int CsvHelperOn(string path)
    {
        using var csv = CsvReader.FromFile(path, Options);
        var features = new float[Rows * Features];
        var labels = new long[Rows];
        int row = 0;
        while (csv.Read())
        {
            for (int i = 0; i < Features; i++) features[row * Features + i] = csv.Parse<float>(i);
            labels[row++] = csv.Parse<int>(Features);
        }
        return row;
    }
}

/// <summary>Fashion-MNIST's 60,000 training images and labels from Debian's gzip files, into tensors.</summary>
[InProcess]
public class FashionMnistLoadBenchmark
{
    private const string Folder = "/usr/share/datasets/fashion-mnist";

    [GlobalSetup]
    public void RequireData()
    {
        if (!File.Exists(Path.Combine(Folder, "train-images-idx3-ubyte.gz")))
            throw new InvalidOperationException($"Fashion-MNIST is not in {Folder}: sudo apt-get install dataset-fashion-mnist");
        Backend.NativeBackend.EnsureLoaded();
    }

    [Benchmark]
    public long Load_60000_images()
    {
        var (data, _) = IdxFile.LoadImages(Path.Combine(Folder, "train-images-idx3-ubyte.gz"), Path.Combine(Folder, "train-labels-idx1-ubyte.gz"), classes: 10);
        using (data) return data.Count;
    }
}

/// <summary>
/// GPT-2 BPE over 5 MB of text (the fortunes corpus, repeated to size, or generated words): tokens
/// per second on the first run, and the time a second run takes to read the token cache instead.
/// </summary>
public static class TokenizerThroughput
{
    public static void Run(TextWriter output)
    {
        string text = FiveMegabytes();
        string cache = Path.Combine(Path.GetTempPath(), $"sculpt-token-benchmark-{Guid.NewGuid():N}");
        try
        {
            var clock = Stopwatch.StartNew();
            var tokens = TokenStream.Load(text, TextTokenizer.Gpt2, cache, out bool cached);
            double first = clock.Elapsed.TotalSeconds;
            clock.Restart();
            var again = TokenStream.Load(text, TextTokenizer.Gpt2, cache, out bool cachedAgain);
            double second = clock.Elapsed.TotalSeconds;
            if (cached || !cachedAgain || again.Length != tokens.Length) throw new InvalidOperationException("the second run should read the cache");
            output.WriteLine(FormattableString.Invariant(
                $"GPT-2 BPE on {Encoding.UTF8.GetByteCount(text) / 1e6:F1} MB: {tokens.Length:N0} tokens in {first:F2} s = {tokens.Length / first:N0} tokens/s; second run from the cache (hash + read): {second:F3} s"));
        }
        finally
        {
            if (Directory.Exists(cache)) Directory.Delete(cache, recursive: true);
        }
    }

    private static string FiveMegabytes()
    {
        const int Size = 5_000_000;
        var text = new StringBuilder(Size + 100_000);
        const string Fortunes = "/usr/share/games/fortunes";
        string corpus = Directory.Exists(Fortunes) ? DatasetLoader.ReadText(Fortunes) : "";
        if (corpus.Length > 0)
        {
            while (text.Length < Size) text.Append(corpus);
        }
        else
        {
            string[] words = ["the", "model", "learns", "a", "shape", "of", "data", "tensor", "quickly", "while", "gradient", "descends", "over", "every", "batch", "and", "epoch"];
            var random = new Random(5);
            while (text.Length < Size) text.Append(words[random.Next(words.Length)]).Append(random.Next(12) == 0 ? ".\n" : " ");
        }
        return text.ToString(0, Size);
    }
}
