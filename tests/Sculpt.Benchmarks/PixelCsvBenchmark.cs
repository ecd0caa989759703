using System;
using System.Globalization;
using System.IO;
using System.Text;
using CsvHelper;
using Sculpt.Data;

namespace Sculpt.Benchmarks;

/// <summary>Kaggle's Fashion-MNIST CSV layout, label,pixel1,...,pixel784, as one vector feature of images.</summary>
[CsvDataset("fashion-mnist_train.csv")]
public partial record FashionPixelRow
{
    [Label(Classes = 10)] public int Label { get; init; }
    [Feature(Columns = "pixel1..pixel784", Shape = "1 28 28")] public float[] Pixels { get; init; } = [];
}

/// <summary>
/// The generated loader of a 785-column file (a vector feature over a column range) against
/// CsvHelper's allocation-free <c>Parse&lt;float&gt;(i)</c> over the same columns, on Fashion-MNIST's
/// 60,000 training images written out in Kaggle's CSV layout from Debian's IDX files.
/// </summary>
public static class PixelCsvBenchmark
{
    private const string Folder = "/usr/share/datasets/fashion-mnist";
    private const int Pixels = 784;

    public static void RunPaired(TextWriter output, int pairs)
    {
        string path = WriteFile();
        int rows = FashionPixelRow.ReadCsv(path).Rows;
        CsvHelperOn(path, rows);
        output.WriteLine($"Pixel CSV, {rows:N0} rows x 785 columns ({new FileInfo(path).Length / 1e6:F0} MB), medians of {pairs} interleaved pairs (ms):");
        foreach (var (name, workers) in new (string, int?)[] { ("Sculpt (all cores) vs CsvHelper Parse<float>", null), ("Sculpt (one thread) vs CsvHelper Parse<float>", 1) })
        {
            var (csvHelper, sculpt, ratio) = Paired.Measure(() => { GC.Collect(); CsvHelperOn(path, rows); }, () => { GC.Collect(); FashionPixelRow.ReadCsv(path, workers); }, pairs);
            output.WriteLine(FormattableString.Invariant($"  {name,-48} CsvHelper {csvHelper,6:F0}  Sculpt {sculpt,6:F0}  ratio {ratio:F2}"));
        }
    }

    /// <summary>Where one thread's time goes: splitting records, then numbers too, then the whole generated loader.</summary>
    public static void Breakdown(TextWriter output, int rounds)
    {
        string path = WriteFile();
        for (int round = 0; round < rounds; round++)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            long fields = 0;
            using (var reader = new Sculpt.Data.Tabular.CsvRecordReader(path))
            {
                while (reader.Read()) fields += reader.FieldCount;
            }
            double split = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            float sum = 0;
            using (var reader = new Sculpt.Data.Tabular.CsvRecordReader(path))
            {
                while (reader.Read())
                {
                    for (int i = 0; i < reader.FieldCount; i++)
                    {
                        if (reader.TryReadPlainFloat(i, out float value)) sum += value;
                    }
                }
            }
            double numbers = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            int rows = FashionPixelRow.ReadCsv(path, workers: 1).Rows;
            double loader = clock.Elapsed.TotalMilliseconds;
            output.WriteLine(FormattableString.Invariant($"  {fields:N0} fields: split {split:F0} ms, split + numbers {numbers:F0} ms (sum {sum:G3}), generated loader {loader:F0} ms ({rows:N0} rows)"));
        }
    }

    /// <summary>The training images and labels as Kaggle's CSV, written once to the temporary folder.</summary>
    private static string WriteFile()
    {
        string path = Path.Combine(Path.GetTempPath(), "sculpt-benchmark-fashion-mnist_train.csv");
        if (File.Exists(path)) return path;
        var (dims, images) = IdxFile.Read(Path.Combine(Folder, "train-images-idx3-ubyte.gz"), 3);
        var (_, labels) = IdxFile.Read(Path.Combine(Folder, "train-labels-idx1-ubyte.gz"), 1);
        string temporary = path + ".tmp";
        using (var writer = new StreamWriter(temporary, false, new UTF8Encoding(false), 1 << 20))
        {
            var line = new StringBuilder("label");
            for (int i = 1; i <= Pixels; i++) line.Append(",pixel").Append(i);
            writer.WriteLine(line);
            for (int row = 0; row < dims[0]; row++)
            {
                line.Clear().Append(labels[row]);
                for (int i = 0; i < Pixels; i++) line.Append(',').Append(images[row * Pixels + i]);
                writer.WriteLine(line);
            }
        }
        File.Move(temporary, path);
        return path;
    }

    private static readonly CsvReaderOptions Options = CsvReaderOptions.Default with { Separator = ',', HasHeader = true, FormatProvider = CultureInfo.InvariantCulture };

    private static int CsvHelperOn(string path, int rows)
    {
        using var csv = CsvReader.FromFile(path, Options);
        var features = new float[rows * Pixels];
        var labels = new long[rows];
        int row = 0;
        while (csv.Read())
        {
            labels[row] = csv.Parse<int>(0);
            for (int i = 0; i < Pixels; i++) features[row * Pixels + i] = csv.Parse<float>(i + 1);
            row++;
        }
        return row;
    }
}
