using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Sculpt.Data;
using Sculpt.Data.Images;
using Sculpt.Data.Tabular;
using Sculpt.Training;
using SkiaSharp;
using Xunit;
using static TorchSharp.torch;

namespace Sculpt.Tests;

/// <summary>Generated loaders of declared datasets, on small files each test writes.</summary>
public sealed class DatasetTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sculpt-data-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string name, string text)
    {
        string path = Path.Combine(_folder, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private T Source<T>() where T : IFileDataSource, new()
    {
        var source = new T();
        source.DataFolder = _folder;
        return source;
    }

    private static List<string[]> ReadAll(string path, bool header = false, char delimiter = ',')
    {
        using var reader = new CsvRecordReader(path, delimiter, header);
        var records = new List<string[]>();
        while (reader.Read()) records.Add(Enumerable.Range(0, reader.FieldCount).Select(reader.FieldText).Prepend(reader.Line.ToString(CultureInfo.InvariantCulture)).ToArray());
        return records;
    }

    [Fact]
    public void The_csv_reader_follows_rfc_4180_quoting_and_counts_lines()
    {
        string path = Write("quoted.csv", "\uFEFFa,b,c\r\n1,\"x, y\",\"say \"\"hi\"\"\"\r\n\r\n2,\"two\nlines\",\r\n3,,\"\"\n4,last,no-newline");
        var records = ReadAll(path);
        Assert.Equal(["1", "a", "b", "c"], records[0]);
        Assert.Equal(["2", "1", "x, y", "say \"hi\""], records[1]);
        Assert.Equal(["4", "2", "two\nlines", ""], records[2]);
        Assert.Equal(["6", "3", "", ""], records[3]);
        Assert.Equal(["7", "4", "last", "no-newline"], records[4]);
        Assert.Equal(5, records.Count);
    }

    [Fact]
    public void The_csv_reader_handles_records_across_and_beyond_its_buffer()
    {
        var text = new StringBuilder("id,text\n");
        for (int i = 0; i < 40_000; i++) text.Append(CultureInfo.InvariantCulture, $"{i},\"row {i}, \"\"quoted\"\"\"\n");
        string huge = new('z', 3_000_000);
        text.Append(CultureInfo.InvariantCulture, $"40000,\"{huge}\"\n40001,end\n");
        var records = ReadAll(Write("big.csv", text.ToString()), header: true);
        Assert.Equal(40_002, records.Count);
        Assert.Equal(["2", "0", "row 0, \"quoted\""], records[0]);
        Assert.Equal(["30001", "29999", "row 29999, \"quoted\""], records[29_999]);
        Assert.Equal(huge, records[40_000][2]);
        Assert.Equal(["40003", "40001", "end"], records[40_001]);
    }

    [Fact]
    public void Plain_decimals_read_by_the_fast_path_are_exactly_what_float_parse_gives()
    {
        var random = new Random(3);
        string Digits(int count) => new(Enumerable.Range(0, count).Select(_ => (char)('0' + random.Next(10))).ToArray());
        var fields = new List<string>();
        for (int i = 0; i < 60_000; i++)
        {
            string sign = random.Next(4) switch { 0 => "-", 1 => "+", _ => "" };
            int integer = random.Next(0, 10), fraction = random.Next(-1, 11);
            fields.Add(sign + Digits(integer) + (fraction >= 0 ? "." + Digits(fraction) : ""));
        }
        fields.AddRange(["1e5", " 2.5", "2.5 ", "NA", "", "-", ".", "1.2.3", "0x10", "16777216", "16777217", "12345678.5", "1,5", "9.99999999"]);
        // Every short integer (the digit-by-digit path of pixel files) and short fields that are not one.
        fields.AddRange(Enumerable.Range(0, 1000).Select(i => i.ToString(CultureInfo.InvariantCulture)));
        fields.AddRange(["007", "00", "1.", ".5", "+1", "-0", "1e", "a1", "1a", "1 ", "?", "N/A", "\u0663", "12\u0663", "9:", "/9"]);
        string path = Write("numbers.csv", string.Join("\n", fields.Chunk(7).Select(row => string.Join(",", row.Select(f => f.Contains(',') ? $"\"{f}\"" : f)))) + "\n");
        int fast = 0, field = 0;
        using var reader = new CsvRecordReader(path, header: false);
        while (reader.Read())
        {
            for (int i = 0; i < reader.FieldCount; i++, field++)
            {
                string text = fields[field];
                if (!reader.TryReadPlainFloat(i, out float value)) continue;
                fast++;
                Assert.True(float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float expected), text);
                Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(value), $"'{text}': {value:R} instead of {expected:R}");
            }
        }
        Assert.Equal(fields.Count, field);
        // Most plain decimals take the fast path; the rest (and the odd cases) go to float.Parse.
        Assert.InRange(fast, 20_000, 60_000);
    }

    private static TabularData ReadPieces(string path, int workers, BadRecords policy)
    {
        var schema = new TableSchema(["X", "Y"], LabelKind.ClassName, 1, new TableOptions(OnBadRecord: policy));
        return TableReader.Read(path, ',', header: true, schema, static (reader, table) =>
        {
            int x = table.Column("X", 0), y = table.Column("Y", 1), kind = table.Column("Kind", 2);
            while (reader.Read())
            {
                if (!table.BeginRecord()) continue;
                table.Number(0, x);
                table.Number(1, y);
                table.Label(kind);
                table.EndRecord();
            }
        }, workers);
    }

    [Fact]
    public void A_large_file_read_in_parallel_pieces_gives_exactly_the_sequential_result()
    {
        // 12 MB: above TableReader.ParallelFrom. The class "zebra" first appears in the last piece,
        // and bad rows sit in the middle and at the end, so merging labels and lines is exercised.
        var text = new StringBuilder("X,Y,Kind\n");
        const int Rows = 500_000;
        for (int i = 0; i < Rows; i++)
        {
            string kind = i > Rows * 0.9 && i % 3 == 0 ? "zebra" : i % 2 == 0 ? "cat" : "dog";
            string x = i == Rows / 2 || i == Rows - 5 ? "oops" : (i * 0.25).ToString("F2", CultureInfo.InvariantCulture);
            text.Append(CultureInfo.InvariantCulture, $"{x},{-i % 977}.5,{kind}\n");
        }
        string path = Write("large.csv", text.ToString());
        Assert.True(new FileInfo(path).Length > TableReader.ParallelFrom);
        var sequential = ReadPieces(path, 1, BadRecords.Skip);
        var parallel = ReadPieces(path, 3, BadRecords.Skip);
        Assert.Equal(Rows - 2, parallel.Rows);
        Assert.Equal(["cat", "dog", "zebra"], parallel.ClassNames);
        Assert.Equal(sequential.ClassNames, parallel.ClassNames);
        Assert.Equal(sequential.Features.Take(sequential.Rows * 2), parallel.Features.Take(parallel.Rows * 2));
        Assert.Equal(sequential.ClassLabels!.Take(sequential.Rows), parallel.ClassLabels!.Take(parallel.Rows));
        Assert.Equal(sequential.Skipped.FirstReasons, parallel.Skipped.FirstReasons);
        Assert.Equal($"line {Rows / 2 + 2}: column 'X' has 'oops', which is not a finite number", parallel.Skipped.FirstReasons[0]);
        Assert.Equal($"line {Rows - 5 + 2}: column 'X' has 'oops', which is not a finite number", parallel.Skipped.FirstReasons[1]);

        // An error names the file's line, not the piece's.
        var error = Assert.Throws<InvalidDataException>(() => ReadPieces(path, 3, BadRecords.Error));
        Assert.StartsWith($"{path}:{Rows / 2 + 2}: column 'X' has 'oops'", error.Message);

        // A quoted field may hide line ends: here one spans the middle of the file, where a
        // two-piece cut falls, so the file must be read in one pass to come out right.
        var quoted = new StringBuilder("X,Y,Kind\n");
        for (int i = 0; i < 200_000; i++) quoted.Append("1.25,2.5,cat\n");
        quoted.Append("3,4,\"").Append(string.Concat(Enumerable.Repeat("a line of a long note\n", 200_000))).Append("\"\n");
        for (int i = 0; i < 200_000; i++) quoted.Append("5.5,6.5,dog\n");
        string notes = Write("notes.csv", quoted.ToString());
        var whole = ReadPieces(notes, 2, BadRecords.Skip);
        Assert.Equal(400_001, whole.Rows);
        Assert.Equal(0, whole.Skipped.Count);
        Assert.Equal(3, whole.ClassNames!.Count);
        var oneRun = ReadPieces(notes, 1, BadRecords.Skip);
        Assert.Equal(oneRun.ClassLabels!.Take(oneRun.Rows), whole.ClassLabels!.Take(whole.Rows));
    }

    [Theory]
    [InlineData("a,b\n1,\"open\n2,3\n", "quoted.csv:2: a quoted field is not closed before the end of the file.")]
    [InlineData("a,b\n1,2\n3,\"x\"y\n", "quoted.csv:3: field 2 has 'y' after its closing quote; a quoted field must end at a ',' or a line end.")]
    public void Malformed_quoting_names_the_file_and_line(string text, string message)
    {
        string path = Write("quoted.csv", text);
        var error = Assert.Throws<InvalidDataException>(() => ReadAll(path, header: true));
        Assert.Equal(Path.Combine(_folder, message), error.Message);
    }

    private static string FlowerRows(int count)
    {
        // Roses are short and narrow, tulips long and wide; the header order differs from the record's.
        var text = new StringBuilder("Comment,kind,petal width,Spotted,length\n");
        for (int i = 0; i < count; i++)
        {
            bool tulip = i % 2 == 1;
            double length = (tulip ? 6 : 2) + (i % 7) * 0.1, width = (tulip ? 3 : 1) + (i % 5) * 0.1;
            text.Append(CultureInfo.InvariantCulture, $"\"note {i}, ok\",{(tulip ? "tulip" : "rose")},{width},{(i % 3 == 0 ? "true" : "false")},{length}\n");
        }
        return text.ToString();
    }

    [Fact]
    public void A_csv_dataset_loads_features_by_header_name_splits_and_standardises_with_training_statistics()
    {
        Write("flowers.csv", FlowerRows(80));
        var splits = Source<Flowers>().Load(seed: 7);
        Assert.Equal((40L, 20L, 20L), (splits.Train.Count, splits.Validation.Count, splits.Test!.Count));
        Assert.Equal(["rose", "tulip"], splits.ClassNames);
        Assert.Equal(new long[] { 40, 3 }, splits.Train.Features.shape);
        // Stratified: every part holds both classes equally.
        Assert.Equal(new long[] { 10, 10 }, splits.Validation.Targets.bincount(null, 2).data<long>().ToArray());
        // Standardised with the training split's statistics: mean 0 and deviation 1 there only.
        Assert.True(splits.Train.Features.mean([0]).abs().max().item<float>() < 1e-5);
        Assert.True((splits.Train.Features.std(0, unbiased: false) - 1).abs().max().item<float>() < 1e-4);
        var normalization = splits.Normalization!;
        Assert.Equal(["Length", "Width", "Spotted"], normalization.Names);
        // Undo the standardisation: the raw values are the file's, in the record's feature order.
        var raw = splits.Train.Features * tensor(normalization.Std) + tensor(normalization.Mean);
        var lengths = raw[.., 0].data<float>().ToArray();
        var labels = splits.Train.Targets.data<long>().ToArray();
        for (int i = 0; i < lengths.Length; i++) Assert.Equal(labels[i] == 1, lengths[i] > 4);
        Assert.All(raw[.., 2].data<float>().ToArray(), v => Assert.True(Math.Abs(v) < 1e-4 || Math.Abs(v - 1) < 1e-4));

        var again = Source<Flowers>().Load(seed: 7);
        Assert.True(again.Validation.Features.allclose(splits.Validation.Features, 0, 0));
        var other = Source<Flowers>().Load(seed: 8);
        Assert.False(other.Validation.Features.allclose(splits.Validation.Features, 0, 0));
    }

    [Theory]
    [InlineData("Comment,kind,petal width,Spotted,length\nx,rose,1,true,2\nx,rose,1,true,abc\n", "flowers.csv:3: column 'length' has 'abc', which is not a finite number; declare OnBadRecord = BadRecords.Skip on the dataset to skip such rows.")]
    [InlineData("Comment,kind,petal width,Spotted,length\nx,lily,1,true,2\n", "flowers.csv:2: label 'lily' is not one of the declared classes (rose, tulip); declare OnBadRecord = BadRecords.Skip on the dataset to skip such rows.")]
    [InlineData("Comment,kind,petal width,Spotted,length\nx,rose,1,true,2\n\nx,rose,1,true\n", "flowers.csv:4: has 4 fields; expected 5; declare OnBadRecord = BadRecords.Skip on the dataset to skip such rows.")]
    [InlineData("Comment,kind,petal width,Spotted,length\nx,rose,NA,true,2\n", "flowers.csv:2: column 'petal width' has no value; declare Missing = MissingValues.SkipRow, Fill or FillMean on the dataset to accept missing values.")]
    [InlineData("Comment,kind,petal width,Spotted,length\nx,rose,1,maybe,2\n", "flowers.csv:2: column 'Spotted' has 'maybe'; expected true, false, 1 or 0; declare OnBadRecord = BadRecords.Skip on the dataset to skip such rows.")]
    [InlineData("kind,petal width,Spotted\nrose,1,true\n", "flowers.csv:1: the header has no column 'Length'; it has 'kind', 'petal width', 'Spotted'.")]
    [InlineData("Comment,kind,petal width,Spotted,length\n", "flowers.csv: no usable rows.")]
    public void A_malformed_csv_names_the_file_line_and_column(string text, string message)
    {
        Write("flowers.csv", text);
        var error = Assert.Throws<InvalidDataException>(() => Source<Flowers>().Load(seed: 1));
        Assert.Equal(Path.Combine(_folder, message), error.Message);
    }

    [Fact]
    public void Skipped_rows_are_counted_with_their_lines_and_missing_values_take_the_training_mean()
    {
        var text = new StringBuilder("A,B,Class\n");
        for (int i = 0; i < 40; i++) text.Append(CultureInfo.InvariantCulture, $"{i},{(i % 4 == 0 ? "" : "10")},{i % 2}\n");
        text.Append("oops,1,0\n5,5,-1\n5,5\n");
        Write("sparse.csv", text.ToString());
        var splits = Source<Sparse>().Load(seed: 3);
        var skipped = Assert.Single(splits.Skipped);
        Assert.Equal(3, skipped.Count);
        Assert.Equal(
            ["line 42: column 'A' has 'oops', which is not a finite number", "line 43: label '-1' is not a class: expected a class index 0 or more", "line 44: has 2 fields; expected 3"],
            skipped.FirstReasons);
        Assert.Equal(40, splits.Train.Count + splits.Validation.Count);
        // Column B is 10 wherever it is present, so its training mean (the fill) is exactly 10.
        Assert.True(splits.Train.Features[.., 1].eq(10).all().item<bool>());
        Assert.True(splits.Validation.Features[.., 1].eq(10).all().item<bool>());
    }

    [Fact]
    public void A_tsv_without_header_reads_columns_by_position_into_regression_targets()
    {
        Write("prices.tsv", "3\t250.5\t10\n4\t\t20\n5\t400\t30\n2\t150\t5\n6\t500\t1\n");
        var splits = Source<Prices>().Load(seed: 1);
        Assert.Equal(4, splits.Train.Count + splits.Validation.Count);
        Assert.Equal(new long[] { 1 }, splits.Train.Targets.shape.Skip(1).ToArray());
        Assert.Equal(ScalarType.Float32, splits.Train.Targets.dtype);
        var rows = cat([splits.Train.Features, splits.Validation.Features]);
        var targets = cat([splits.Train.Targets, splits.Validation.Targets]);
        var byRooms = Enumerable.Range(0, 4).ToDictionary(i => rows[i, 0].item<float>(), i => (Age: rows[i, 1].item<float>(), Price: targets[i, 0].item<float>()));
        Assert.Equal((10f, 250.5f), byRooms[3]);
        Assert.Equal((1f, 500f), byRooms[6]);
        Assert.Equal(1, splits.Skipped.Single().Count);
    }

    [Fact]
    public void A_test_file_is_the_test_split_labelled_and_standardised_like_the_training_file()
    {
        Write("train.csv", "X,Kind\n1,b\n2,a\n3,b\n4,a\n5,b\n6,a\n7,b\n8,a\n");
        Write("test.csv", "X,Kind\n100,b\n");
        var splits = Source<Split>().Load(seed: 4);
        Assert.Equal((6L, 2L), (splits.Train.Count, splits.Validation.Count));
        Assert.Equal(["a", "b"], splits.ClassNames);
        // "b" is class 1 of the training file, though the test file alone would call it 0.
        Assert.Equal(new long[] { 1 }, splits.Test!.Targets.data<long>().ToArray());
        var normalization = splits.Normalization!;
        Assert.Equal((100 - normalization.Mean[0]) / normalization.Std[0], splits.Test.Features[0, 0].item<float>(), 4);

        Write("test.csv", "X,Kind\n1,c\n");
        var error = Assert.Throws<InvalidDataException>(() => Source<Split>().Load(seed: 4));
        Assert.Equal($"{Path.Combine(_folder, "test.csv")}: the test file has class 'c', which {Path.Combine(_folder, "train.csv")} does not have (a, b).", error.Message);
    }

    [Fact]
    public void A_categorical_column_becomes_one_hot_features_in_declared_order()
    {
        Assert.Equal(["Age", "Region=north", "Region=south", "Region=east"], People.FeatureNames);
        Assert.Equal("4", People.SampleShape);
        Write("people.csv", "Age,Region,Subscribed\n30,south,true\n40,NA,false\n50,east,1\n60,north,0\n");
        var splits = Source<People>().Load(seed: 1);
        var rows = cat([splits.Train.Features, splits.Validation.Features]);
        var byAge = Enumerable.Range(0, 4).ToDictionary(i => rows[i, 0].item<float>(), i => rows[i, 1..].data<float>().ToArray());
        Assert.Equal([0f, 1f, 0f], byAge[30]);
        Assert.Equal([0f, 0f, 0f], byAge[40]);
        Assert.Equal([0f, 0f, 1f], byAge[50]);
        Assert.Equal([1f, 0f, 0f], byAge[60]);

        Write("people.csv", "Age,Region,Subscribed\n30,south,true\n40,west,false\n");
        var error = Assert.Throws<InvalidDataException>(() => Source<People>().Load(seed: 1));
        Assert.Equal(Path.Combine(_folder, "people.csv:3: column 'Region' has 'west', which is not one of its categories (north, south, east); declare OnBadRecord = BadRecords.Skip on the dataset to skip such rows."), error.Message);
    }

    [Fact]
    public void An_integer_label_outside_the_declared_classes_is_refused()
    {
        Write("strict.csv", "X,Y\n1,0\n2,2\n3,3\n");
        var error = Assert.Throws<InvalidDataException>(() => Source<Strict>().Load(seed: 1));
        Assert.Equal(Path.Combine(_folder, "strict.csv:4: label '3' is not a class: expected 0 to 2; declare OnBadRecord = BadRecords.Skip on the dataset to skip such rows."), error.Message);
    }

    private static byte[] Idx(byte type, int[] dims, byte[] data)
    {
        var bytes = new List<byte> { 0, 0, 0x08, (byte)dims.Length };
        foreach (int dim in dims) bytes.AddRange([(byte)(dim >> 24), (byte)(dim >> 16), (byte)(dim >> 8), (byte)dim]);
        bytes.AddRange(data);
        _ = type;
        return bytes.ToArray();
    }

    [Fact]
    public void An_idx_dataset_takes_its_test_split_from_the_test_files_and_checks_the_declared_shape()
    {
        File.WriteAllBytes(Path.Combine(_folder, "images.idx"), Idx(8, [8, 2, 3], Enumerable.Range(0, 48).Select(i => (byte)(i * 5)).ToArray()));
        File.WriteAllBytes(Path.Combine(_folder, "labels.idx"), Idx(8, [8], [0, 1, 0, 1, 0, 1, 0, 1]));
        File.WriteAllBytes(Path.Combine(_folder, "test-images.idx"), Idx(8, [2, 2, 3], new byte[12]));
        File.WriteAllBytes(Path.Combine(_folder, "test-labels.idx"), Idx(8, [2], [1, 0]));
        var splits = Source<TinyIdx>().Load(seed: 2);
        Assert.Equal((6L, 2L, 2L), (splits.Train.Count, splits.Validation.Count, splits.Test!.Count));
        Assert.Equal(new long[] { 6, 1, 2, 3 }, splits.Train.Features.shape);
        Assert.True(splits.Train.Features.mean().abs().item<float>() < 1e-5);
        Assert.Equal(new ImageAugmentation(CropPadding: 1, FlipHorizontal: true), splits.Augmentation);

        File.WriteAllBytes(Path.Combine(_folder, "images.idx"), Idx(8, [8, 3, 3], new byte[72]));
        var error = Assert.Throws<InvalidDataException>(() => Source<TinyIdx>().Load(seed: 2));
        Assert.Equal($"{Path.Combine(_folder, "images.idx")} holds 3x3 grey images [1, 3, 3]; the dataset declares [1, 2, 3].", error.Message);
    }

    private void Picture(string path, SKColor color, int width = 8, int height = 6)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var bitmap = new SKBitmap(width, height);
        bitmap.Erase(color);
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(path.EndsWith(".jpg") ? SKEncodedImageFormat.Jpeg : SKEncodedImageFormat.Png, 95);
        File.WriteAllBytes(path, data.ToArray());
    }

    [Fact]
    public void An_image_folder_decodes_resizes_and_labels_by_sub_folder()
    {
        for (int i = 0; i < 4; i++)
        {
            Picture(Path.Combine(_folder, "pictures", "red", $"r{i}.png"), new SKColor(255, 0, 0));
            Picture(Path.Combine(_folder, "pictures", "blue", $"b{i}.jpg"), new SKColor(0, 0, 255), width: 5, height: 5);
        }
        var (data, names, skipped) = ImageFolder.Load(Path.Combine(_folder, "pictures"), width: 4, height: 3, channels: 3);
        Assert.Equal(["blue", "red"], names);
        Assert.Equal(0, skipped.Count);
        Assert.Equal(new long[] { 8, 3, 3, 4 }, data.Features.shape);
        Assert.Equal(new long[] { 0, 0, 0, 0, 1, 1, 1, 1 }, data.Targets.data<long>().ToArray());
        var red = data.Features[4];
        Assert.Equal(1f, red[0].min().item<float>(), 3);
        Assert.Equal(0f, red[1].max().item<float>(), 3);
        Assert.True(data.Features[0, 2].min().item<float>() > 0.95f, "JPEG blue stays blue");

        var (grey, _, _) = ImageFolder.Load(Path.Combine(_folder, "pictures"), width: 4, height: 3, channels: 1);
        Assert.Equal(0.299f, grey.Features[4].mean().item<float>(), 3);
    }

    [Fact]
    public void An_image_that_does_not_decode_is_named_or_skipped_as_declared()
    {
        for (int i = 0; i < 4; i++)
        {
            Picture(Path.Combine(_folder, "pictures", "cat", $"c{i}.png"), new SKColor(200, 100, 0));
            Picture(Path.Combine(_folder, "pictures", "dog", $"d{i}.png"), new SKColor(0, 100, 200));
        }
        string broken = Write(Path.Combine("pictures", "dog", "broken.png"), "not a png");
        var error = Assert.Throws<InvalidDataException>(() => Source<StrictPictures>().Load(seed: 1));
        Assert.Equal($"{broken}: not a decodable image (PNG, JPEG, BMP, GIF or WebP), or corrupt; declare OnBadRecord = BadRecords.Skip on the dataset to skip such files.", error.Message);

        var splits = Source<Pictures>().Load(seed: 1);
        Assert.Equal(8, splits.Train.Count + splits.Validation.Count);
        Assert.Equal(1, splits.Skipped.Single().Count);
        Assert.Equal(["cat", "dog"], splits.ClassNames);
        Assert.Equal(["red", "green", "blue"], splits.Normalization!.Names);
    }

    [Fact]
    public void A_text_dataset_cuts_next_token_windows_with_validation_and_test_from_the_end()
    {
        string text = string.Concat(Enumerable.Range(0, 60).Select(i => $"line {i} of the story\n"));
        Write("story.txt", text);
        try
        {
            var splits = Source<Story>().Load(seed: 1);
            Assert.Equal(new long[] { 8 }, splits.Train.Features.shape.Skip(1).ToArray());
            Assert.True(splits.Train.Targets[0, ..7].allclose(splits.Train.Features[0, 1..], 0, 0), "targets are the inputs shifted by one");
            long tokens = Sculpt.Text.TextTokenizer.Characters.Encode(text).Length;
            Assert.Equal((long)(tokens * 0.7) / 8, splits.Train.Count);
            Assert.Equal("line 0 o", Sculpt.Text.TextTokenizer.Characters.Decode(splits.Train.Features[0].data<long>().ToArray()));
            Assert.NotNull(splits.Test);
            Assert.True(Directory.EnumerateFiles("sculpt-test-token-cache").Any(), "the token ids are cached");

            var masked = splits.Augmentation!.Apply(splits.Train.Features, seed: 5);
            double share = masked.eq(0).to(float32).mean().item<float>();
            Assert.InRange(share, 0.15, 0.3);
            Assert.True(masked.allclose(splits.Augmentation.Apply(splits.Train.Features, seed: 5), 0, 0));
        }
        finally
        {
            if (Directory.Exists("sculpt-test-token-cache")) Directory.Delete("sculpt-test-token-cache", recursive: true);
        }
    }

    [Fact]
    public void A_text_folder_is_read_in_name_order_without_binary_files_or_repeats_through_links()
    {
        Write(Path.Combine("corpus", "b.txt"), "second\n");
        Write(Path.Combine("corpus", "a.txt"), "first");
        File.WriteAllBytes(Path.Combine(_folder, "corpus", "a.dat"), [1, 0, 2, 0]);
        File.CreateSymbolicLink(Path.Combine(_folder, "corpus", "a.u8"), "a.txt");
        Assert.Equal("first\nsecond\n", DatasetLoader.ReadText(Path.Combine(_folder, "corpus")));
    }

    [Fact]
    public void Image_augmentation_moves_whole_pixels_and_is_fixed_by_the_seed()
    {
        using var images = arange(2 * 3 * 5 * 6, dtype: float32).reshape(2, 3, 5, 6).add_(1);
        var crop = new ImageAugmentation(CropPadding: 1);
        var flip = new ImageAugmentation(FlipHorizontal: true);
        for (long seed = 0; seed < 20; seed++)
        {
            var cropped = crop.Apply(images, seed);
            Assert.True(cropped.allclose(crop.Apply(images, seed), 0, 0));
            for (int b = 0; b < 2; b++)
            {
                // Each image is the original shifted by at most one pixel either way, zero-filled.
                bool shifted = false;
                for (int dy = -1; dy <= 1 && !shifted; dy++)
                {
                    for (int dx = -1; dx <= 1 && !shifted; dx++)
                    {
                        var expected = zeros(3, 5, 6);
                        expected[.., Math.Max(0, dy)..(5 + Math.Min(0, dy)), Math.Max(0, dx)..(6 + Math.Min(0, dx))] =
                            images[b, .., Math.Max(0, -dy)..(5 + Math.Min(0, -dy)), Math.Max(0, -dx)..(6 + Math.Min(0, -dx))];
                        shifted = cropped[b].allclose(expected, 0, 0);
                    }
                }
                Assert.True(shifted, $"seed {seed}, image {b}");
                var flipped = flip.Apply(images, seed)[b];
                Assert.True(flipped.allclose(images[b], 0, 0) || flipped.allclose(images[b].flip(-1), 0, 0));
            }
        }
        Assert.False(crop.Apply(images, 1).allclose(crop.Apply(images, 2), 0, 0) && crop.Apply(images, 1).allclose(crop.Apply(images, 3), 0, 0));
        var rotated = new ImageAugmentation(Rotation: 15, Translate: 0.1).Apply(images, 4);
        Assert.Equal(images.shape, rotated.shape);
        Assert.True(rotated.isfinite().all().item<bool>());
    }

    [Theory]
    [InlineData(LastBatch.Partial, new[] { 4, 4, 2 })]
    [InlineData(LastBatch.Drop, new[] { 4, 4 })]
    [InlineData(LastBatch.Pad, new[] { 4, 4, 4 })]
    public void The_last_batch_is_kept_dropped_or_padded_as_declared(LastBatch lastBatch, int[] sizes)
    {
        using var data = new TensorDataset(arange(10, dtype: float32).unsqueeze(1), arange(10));
        foreach (bool shuffle in new[] { false, true })
        {
            var batches = data.Batches(4, shuffle, seed: 3, lastBatch: lastBatch).Select(b => b.Target.data<long>().ToArray()).ToList();
            Assert.Equal(sizes, batches.Select(b => b.Length));
            Assert.Equal(sizes.Length, data.BatchCount(4, lastBatch));
            var rows = batches.SelectMany(b => b).ToList();
            // Every row once (a dropped batch's rows aside); a padded batch repeats the epoch's first rows.
            Assert.Equal(Math.Min(10, rows.Count), rows.Distinct().Count());
            if (lastBatch == LastBatch.Pad) Assert.Equal(rows.Take(2), rows.Skip(10));
        }
    }

    [Fact]
    public void Training_with_augmentation_is_the_same_for_the_same_seed()
    {
        double[] Losses(IAugmentation? augmentation)
        {
            var config = new MlpConfig { Epochs = 2, Seed = 11 };
            using var trainer = new BlobTrainer(config);
            var data = new Blobs().Load(config.Seed);
            var options = new FitOptions { Augmentation = augmentation };
            return trainer.Fit(data.Train, data.Validation, SilentProgress.Instance, options).Epochs.Select(e => e.TrainLoss).ToArray();
        }
        var augmentation = new ImageAugmentation(CropPadding: 1, FlipHorizontal: true);
        var first = Losses(augmentation);
        Assert.Equal(first, Losses(augmentation));
        Assert.NotEqual(first, Losses(null));
    }

    [Fact]
    public void A_trainer_on_a_declared_csv_reads_data_from_the_data_flag_and_saves_the_normalisation()
    {
        Write("flowers.csv", FlowerRows(120));
        string run = Path.Combine(_folder, "run");
        var output = new StringWriter();
        var error = new StringWriter();
        int code = TrainerCommandLine.Run<FlowerTrainer, FlowerNet, Flowers, FlowerConfig>(
            "FlowerTrainer", ["--data", _folder, "--output", run, "--epochs", "20"], static (config, device) => new FlowerTrainer(config, device), output, error);
        Assert.True(code == 0, error.ToString() + output);
        var normalization = FeatureNormalization.Load(Path.Combine(run, "normalization.json"));
        Assert.Equal(["Length", "Width", "Spotted"], normalization.Names);
        // The checkpoints carry the same statistics, so a run resumed from one alone can check its data.
        string newest = Directory.GetDirectories(Path.Combine(run, "checkpoints"), "step-*").Order().Last();
        Assert.Equal(File.ReadAllText(Path.Combine(run, "normalization.json")), Sculpt.Checkpoints.Checkpoint.ReadState(newest).Normalization);
        // Resuming on other data is refused, and leaves the run's statistics as they were.
        string statistics = File.ReadAllText(Path.Combine(run, "normalization.json"));
        Write("flowers.csv", FlowerRows(90));
        var otherData = new StringWriter();
        code = TrainerCommandLine.Run<FlowerTrainer, FlowerNet, Flowers, FlowerConfig>(
            "FlowerTrainer", ["--data", _folder, "--resume", newest, "--epochs", "21"], static (config, device) => new FlowerTrainer(config, device), new StringWriter(), otherData);
        Assert.Equal(2, code);
        Assert.Contains("the training data's normalisation statistics differ from the checkpoint's (other data)", otherData.ToString());
        Assert.Equal(statistics, File.ReadAllText(Path.Combine(run, "normalization.json")));
        Write("flowers.csv", FlowerRows(120));
        // The same data again, from the folder the checkpoint remembers (no --data needed).
        var continued = new StringWriter();
        code = TrainerCommandLine.Run<FlowerTrainer, FlowerNet, Flowers, FlowerConfig>(
            "FlowerTrainer", ["--resume", newest, "--epochs", "21"], static (config, device) => new FlowerTrainer(config, device), continued, error);
        Assert.True(code == 0, error.ToString());
        Assert.Contains("epoch 21/21", continued.ToString());
        Assert.Matches(@"validation accuracy 100\.00%", output.ToString());
        Assert.Matches(@"test on 30 samples with the final weights, of epoch 20: loss \d\.\d{4}, test accuracy 100\.00%", output.ToString());

        var missing = new StringWriter();
        code = TrainerCommandLine.Run<FlowerTrainer, FlowerNet, Flowers, FlowerConfig>(
            "FlowerTrainer", ["--data", Path.Combine(_folder, "nowhere"), "--output", run], static (config, device) => new FlowerTrainer(config, device), new StringWriter(), missing);
        Assert.Equal(ExitCodes.Data, code);
        Assert.StartsWith($"error: Flowers: Cannot open '{Path.Combine(_folder, "nowhere", "flowers.csv")}'", missing.ToString());
    }
}
