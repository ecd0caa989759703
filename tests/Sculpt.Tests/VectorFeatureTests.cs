using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Sculpt.Data;
using Sculpt.Data.Tabular;
using Sculpt.Training;
using Xunit;
using static TorchSharp.torch;

namespace Sculpt.Tests;

/// <summary>
/// Vector features of declared CSV datasets (DatasetDeclarations.cs): a 785-column pixel file as
/// images, patterns, positions, shapes, and the errors of each, on files each test writes.
/// </summary>
public sealed class VectorFeatureTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sculpt-vectors-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string name, string text)
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    private T Source<T>() where T : IFileDataSource, new() => new() { DataFolder = _folder };

    /// <summary>Pixel i (0-based) of row r: bright in the three image rows of the row's class, dim noise elsewhere.</summary>
    private static int Pixel(int row, int i) => i / 28 / 3 == row % 10 ? 200 + (row + i) % 56 : (row * 37 + i * 11) % 50;

    /// <summary>A Kaggle Fashion-MNIST style file: label,pixel1,...,pixel784 (or the columns in <paramref name="order"/>).</summary>
    private static string PixelFile(int rows, int[]? order = null)
    {
        // Column k of the file: -1 the label, otherwise a pixel's 0-based index.
        order ??= Enumerable.Range(-1, 785).ToArray();
        var text = new StringBuilder(string.Join(",", order.Select(c => c < 0 ? "label" : $"pixel{c + 1}"))).Append('\n');
        for (int r = 0; r < rows; r++)
        {
            for (int k = 0; k < order.Length; k++)
            {
                if (k > 0) text.Append(',');
                text.Append(order[k] < 0 ? r % 10 : Pixel(r, order[k]));
            }
            text.Append('\n');
        }
        return text.ToString();
    }

    [Fact]
    public void A_785_column_pixel_file_loads_as_images_standardised_per_channel()
    {
        Write("pixels.csv", PixelFile(400));
        Assert.Equal("1 28 28", PixelRows.SampleShape);
        Assert.Equal(784, PixelRows.FeatureNames.Count);
        Assert.Equal(["Pixels[0]", "Pixels[783]"], new[] { PixelRows.FeatureNames[0], PixelRows.FeatureNames[783] });
        var splits = Source<PixelRows>().Load(seed: 5);
        Assert.Equal(new long[] { 300, 1, 28, 28 }, splits.Train.Features.shape);
        Assert.Equal(new long[] { 100, 1, 28, 28 }, splits.Validation.Features.shape);
        // One channel: one mean and deviation over every pixel of every training image.
        var normalization = splits.Normalization!;
        Assert.Equal(["channel 0"], normalization.Names);
        Assert.Equal(new long[] { 1, 1, 1 }, normalization.Shape);
        Assert.True(Math.Abs(splits.Train.Features.mean().item<float>()) < 1e-4);
        Assert.True(Math.Abs(splits.Train.Features.std(unbiased: false).item<float>() - 1) < 1e-4);
        // Undone, the values are the file's, pixel i at [i / 28, i % 28] (row-major).
        var raw = splits.Train.Features * normalization.Std[0] + normalization.Mean[0];
        var labels = splits.Train.Targets.data<long>().ToArray();
        for (int n = 0; n < 300; n += 37)
        {
            var image = raw[n, 0];
            int bright = Enumerable.Range(0, 28).Count(y => image[y, 5].item<float>() >= 199.5f);
            Assert.Equal(labels[n] == 9 ? 1 : 3, bright);
            Assert.True(image[(int)labels[n] * 3, 27].item<float>() >= 199.5f);
        }
    }

    [Fact]
    public void A_small_cnn_declared_on_b_1_28_28_trains_on_the_pixel_file()
    {
        Write("pixels.csv", PixelFile(400));
        string run = Path.Combine(_folder, "run");
        var output = new StringWriter();
        var error = new StringWriter();
        int code = TrainerCommandLine.Run<PixelTrainer, PixelNet, PixelRows, PixelConfig>(
            "PixelTrainer", ["--data", _folder, "--output", run, "--epochs", "4"], static (config, device) => new PixelTrainer(config, device), output, error);
        Assert.True(code == 0, error.ToString() + output);
        Assert.Contains("training 4 epoch(s) on 300 samples", output.ToString());
        // The bright band says the class: a few steps of a 2,000-parameter CNN learn it.
        var accuracy = double.Parse(System.Text.RegularExpressions.Regex.Match(output.ToString(), @"validation accuracy (\d+\.\d+)%").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(accuracy > 80, output.ToString());
        Assert.Equal(["channel 0"], FeatureNormalization.Load(Path.Combine(run, "normalization.json")).Names);
    }

    [Fact]
    public void Range_columns_are_read_in_the_range_order_wherever_the_header_puts_them()
    {
        var shuffled = Enumerable.Range(0, 784).Reverse().Append(-1).ToArray();
        var inOrder = PixelRows.ReadCsv(Write("pixels.csv", PixelFile(20)));
        var reversed = PixelRows.ReadCsv(Write("reversed.csv", PixelFile(20, shuffled)));
        Assert.Equal(inOrder.Features.Take(20 * 784), reversed.Features.Take(20 * 784));
        Assert.Equal(inOrder.ClassLabels!.Take(20), reversed.ClassLabels!.Take(20));
        Assert.Equal(Pixel(3, 100), inOrder.Features[3 * 784 + 100]);
    }

    [Fact]
    public void A_wide_file_read_in_parallel_pieces_gives_exactly_the_sequential_result()
    {
        string path = Write("pixels.csv", PixelFile(4_000));
        Assert.True(new FileInfo(path).Length > TableReader.ParallelFrom);
        var sequential = PixelRows.ReadCsv(path, workers: 1);
        var parallel = PixelRows.ReadCsv(path, workers: 3);
        Assert.Equal(4_000, parallel.Rows);
        Assert.Equal(sequential.Features.Take(4_000 * 784), parallel.Features.Take(4_000 * 784));
        Assert.Equal(sequential.ClassLabels!.Take(4_000), parallel.ClassLabels!.Take(4_000));
        Assert.Equal(new long[] { 1, 28, 28 }, parallel.SampleShape);
    }

    [Theory]
    [InlineData("pixel17", "pixel17x", 0, "", "pixels.csv:1: the header has no column 'pixel17' of Pixels (pixel1..pixel784); it is the only one missing. The header has 'label', 'pixel1', 'pixel2', 'pixel3', 'pixel4', 'pixel5', 'pixel6', 'pixel7', 'pixel8', 'pixel9', 'pixel10', 'pixel11' and 773 more.")]
    [InlineData("", "", 2, "abc", "pixels.csv:4: column 'pixel5' has 'abc', which is not a finite number; declare OnBadRecord = BadRecords.Skip on the dataset to skip such rows.")]
    [InlineData("", "", 2, "", "pixels.csv:4: column 'pixel5' has no value; declare Missing = MissingValues.SkipRow, Fill or FillMean on the dataset to accept missing values.")]
    [InlineData("", "", 2, null, "pixels.csv:4: has 784 fields; expected 785; declare OnBadRecord = BadRecords.Skip on the dataset to skip such rows.")]
    public void A_bad_pixel_file_names_the_file_line_and_column(string rename, string to, int row, string? pixel5, string message)
    {
        var lines = PixelFile(10).Split('\n');
        if (rename.Length > 0) lines[0] = lines[0].Replace(rename + ",", to + ",", StringComparison.Ordinal);
        if (row > 0)
        {
            var fields = lines[row + 1].Split(',').ToList();
            if (pixel5 is null) fields.RemoveAt(5);
            else fields[5] = pixel5;
            lines[row + 1] = string.Join(",", fields);
        }
        Write("pixels.csv", string.Join("\n", lines));
        var error = Assert.Throws<InvalidDataException>(() => Source<PixelRows>().Load(seed: 1));
        Assert.Equal(Path.Combine(_folder, message), error.Message);
    }

    [Fact]
    public void A_pattern_reads_the_matching_columns_in_header_order_and_must_match_its_count()
    {
        Write("bands.csv", "band_b,Temp,band_a,level,band_d,note,band_c\n1,20,2,0.5,4,x,3\n5,21,6,0.7,8,y,7\n9,22,10,0.9,12,z,11\n13,23,14,1.1,16,w,15\n");
        Assert.Equal("5", Bands.SampleShape);
        var splits = Source<Bands>().Load(seed: 2);
        var rows = cat([splits.Train.Features, splits.Validation.Features]);
        var byTemperature = Enumerable.Range(0, 4).ToDictionary(i => rows[i, 4].item<float>(), i => rows[i, ..4].data<float>().ToArray());
        Assert.Equal([1f, 2f, 4f, 3f], byTemperature[20]);
        Assert.Equal([13f, 14f, 16f, 15f], byTemperature[23]);

        Write("bands.csv", "temp,level,other\n1,2,3\n");
        var none = Assert.Throws<InvalidDataException>(() => Source<Bands>().Load(seed: 2));
        Assert.Equal(Path.Combine(_folder, "bands.csv:1: no column of the header matches Band's ColumnPattern 'band*'; the header has 'temp', 'level', 'other'."), none.Message);

        Write("bands.csv", "band1,band2,band3,temp,level\n1,2,3,4,5\n");
        var fewer = Assert.Throws<InvalidDataException>(() => Source<Bands>().Load(seed: 2));
        Assert.Equal(Path.Combine(_folder, "bands.csv:1: Band's ColumnPattern 'band*' matches 3 columns ('band1', 'band2', 'band3'), but Band declares 4."), fewer.Message);
    }

    [Fact]
    public void Positions_read_a_file_without_a_header_and_a_short_row_is_a_bad_record()
    {
        // Alarm, three readings, the temperature, an unread column, two flags.
        Write("raw.csv", "1,0.5,0.25,2,30,x,true,0\n0,1,2,3,40,y,false,1\n1,4,5,6,50,z,1,1\n0,7,8,9,60,w,0,0\n1,2,3\n");
        Assert.Equal(["Readings[0]", "Readings[1]", "Readings[2]", "Temperature", "Flags[0]", "Flags[1]"], RawRows.FeatureNames);
        var splits = Source<RawRows>().Load(seed: 3);
        var rows = cat([splits.Train.Features, splits.Validation.Features]);
        var byTemperature = Enumerable.Range(0, 4).ToDictionary(i => rows[i, 3].item<float>(), i => rows[i].data<float>().ToArray());
        Assert.Equal([0.5f, 0.25f, 2f, 30f, 1f, 0f], byTemperature[30]);
        Assert.Equal([7f, 8f, 9f, 60f, 0f, 0f], byTemperature[60]);
        var skipped = Assert.Single(splits.Skipped);
        Assert.Equal(["line 5: has 3 fields; expected 8"], skipped.FirstReasons);
    }

    [Fact]
    public void A_two_dim_shape_standardises_each_entry_and_keeps_the_shape()
    {
        var text = new StringBuilder("kind,v1,v2,v3,v4,v5,v6\n");
        for (int r = 0; r < 40; r++) text.Append(CultureInfo.InvariantCulture, $"{r % 2},{r},{2 * r},{r % 5},{100 + r},{-r},{r * r}\n");
        Write("grid.csv", text.ToString());
        var splits = Source<GridRows>().Load(seed: 4);
        Assert.Equal(new long[] { 30, 2, 3 }, splits.Train.Features.shape);
        var normalization = splits.Normalization!;
        Assert.Equal(new long[] { 2, 3 }, normalization.Shape);
        Assert.Equal(["Values[0]", "Values[1]", "Values[2]", "Values[3]", "Values[4]", "Values[5]"], normalization.Names);
        Assert.True(splits.Train.Features.mean([0]).abs().max().item<float>() < 1e-4);
        Assert.True((splits.Train.Features.std(0, unbiased: false) - 1).abs().max().item<float>() < 1e-3);
        // The statistics saved for inference apply to [N, 2, 3] samples as they are.
        string saved = Path.Combine(_folder, "normalization.json");
        normalization.Save(saved);
        using var sample = tensor(new float[] { 1, 2, 1, 101, -1, 1 }).reshape(1, 2, 3);
        Assert.Equal(new long[] { 1, 2, 3 }, FeatureNormalization.Load(saved).Apply(sample).shape);
    }

    [Fact]
    public void Two_patterns_that_meet_in_one_column_are_refused_by_the_loader()
    {
        Write("overlap.csv", "a1,ab,kind\n1,2,0\n3,4,1\n");
        var error = Assert.Throws<InvalidDataException>(() => Source<OverlappingPatterns>().Load(seed: 1));
        Assert.Equal(Path.Combine(_folder, "overlap.csv:1: column 'ab' is read twice, for A ('a*') and for B ('*b'); a column feeds one property."), error.Message);
    }
}
