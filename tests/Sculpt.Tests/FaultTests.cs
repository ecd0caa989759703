using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Sculpt.Data;
using Sculpt.Models;
using Sculpt.Training;
using SkiaSharp;
using Xunit;
using static TorchSharp.torch;

namespace Sculpt.Tests;

/// <summary>
/// The fault suite: malformed inputs of every kind, each run through a generated trainer's command
/// line on tiny data. Every one must end with its documented exit code and exactly one line on the
/// error stream, "error: ..." naming the file or flag, and no stack trace or exception type name.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FaultTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sculpt-fault-").FullName;
    private string Run => Path.Combine(_folder, "run");

    public void Dispose()
    {
        OutputFiles.Open = DefaultOpen;
        foreach (var folder in Directory.GetDirectories(_folder, "*", SearchOption.AllDirectories)) File.SetUnixFileMode(folder, (UnixFileMode)0b111_111_101);
        Directory.Delete(_folder, recursive: true);
        if (Directory.Exists(StoryCache)) Directory.Delete(StoryCache, recursive: true);
    }

    private static readonly Func<string, FileMode, FileStream> DefaultOpen = OutputFiles.Open;

    /// <summary>The token cache folder <see cref="Story"/> declares, relative to the working directory.</summary>
    private const string StoryCache = "sculpt-test-token-cache";

    private sealed record Result(int Code, string Output, string Error);

    private static Result Launch<TTrainer, TModel, TData, TConfig>(string name, Func<TConfig, Device, TTrainer> create, string[] args)
        where TTrainer : Trainer<TModel, TData, TConfig>
        where TModel : TorchSharp.torch.nn.Module<Tensor, Tensor>, ISculptModel<TModel, TConfig>
        where TData : IDataSource, new()
        where TConfig : TrainingHyperParameters, Sculpt.HyperParameters.IHyperParameters<TConfig>, new()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = TrainerCommandLine.Run<TTrainer, TModel, TData, TConfig>(name, args, create, output, error);
        return new Result(code, output.ToString(), error.ToString().Replace("\r\n", "\n"));
    }

    /// <summary>The data flags every dataset run gets: files from the test's folder, output to its run folder, one epoch.</summary>
    private string[] With(string[] args) => ["--data", _folder, "--output", Run, "--epochs", "1", .. args];

    private Result Flowers(params string[] args) => Launch<FlowerTrainer, FlowerNet, Flowers, FlowerConfig>("FlowerTrainer", static (c, d) => new FlowerTrainer(c, d), With(args));

    private Result Idx(params string[] args) => Launch<IdxTrainer, IdxNet, TinyIdx, FlowerConfig>("IdxTrainer", static (c, d) => new IdxTrainer(c, d), With(args));

    private Result Pictures(params string[] args) => Launch<PictureTrainer, PictureNet, StrictPictures, FlowerConfig>("PictureTrainer", static (c, d) => new PictureTrainer(c, d), With(args));

    private Result Story(params string[] args) => Launch<StoryTrainer, StoryNet, Story, FlowerConfig>("StoryTrainer", static (c, d) => new StoryTrainer(c, d), With(args));

    private static Result Blobs(params string[] args) => Launch<BlobTrainer, Mlp, Blobs, MlpConfig>("BlobTrainer", static (c, d) => new BlobTrainer(c, d), args);

    /// <summary>The documented exit code, one "error:" line naming <paramref name="names"/>, and nothing of a stack trace.</summary>
    private static void AssertFault(Result result, int code, params string[] names)
    {
        string error = result.Error;
        Assert.True(code == result.Code, $"exit {result.Code}, expected {code}; stderr: {error}");
        Assert.EndsWith("\n", error);
        var lines = error.TrimEnd('\n').Split('\n');
        Assert.True(lines.Length == 1, $"stderr has {lines.Length} lines:\n{error}");
        Assert.StartsWith("error: ", lines[0]);
        foreach (string name in names) Assert.Contains(name, lines[0]);
        Assert.DoesNotContain("   at ", error);
        Assert.DoesNotMatch(@"\b\w*Exception\b", error);
        Assert.DoesNotContain("System.", error);
        Assert.DoesNotContain("TorchSharp.", error);
    }

    private string Write(string name, string text) => WriteBytes(name, Encoding.UTF8.GetBytes(text));

    private string WriteBytes(string name, byte[] bytes)
    {
        string path = Path.Combine(_folder, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static byte[] Garbage(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        bytes[length / 2] = 0;
        return bytes;
    }

    // ---- CSV ----------------------------------------------------------------------------------

    private const string FlowerHeader = "Comment,kind,petal width,Spotted,length\n";

    private static string FlowerRows(int count)
    {
        var text = new StringBuilder(FlowerHeader);
        for (int i = 0; i < count; i++)
        {
            bool tulip = i % 2 == 1;
            text.Append(CultureInfo.InvariantCulture, $"note,{(tulip ? "tulip" : "rose")},{(tulip ? 3 : 1) + i % 5 * 0.1},{(i % 3 == 0 ? "true" : "false")},{(tulip ? 6 : 2) + i % 7 * 0.1}\n");
        }
        return text.ToString();
    }

    [Fact]
    public void Good_csv_data_trains_so_each_fault_below_is_its_own()
    {
        Write("flowers.csv", FlowerRows(24));
        var result = Flowers();
        Assert.True(result.Code == 0, result.Error);
        Assert.Equal("", result.Error);
    }

    [Theory]
    [InlineData("non-numeric field", FlowerHeader + "x,rose,1,true,2\nx,tulip,3,true,abc\n", "flowers.csv:3: column 'length' has 'abc'")]
    [InlineData("too few fields", FlowerHeader + "x,rose,1,true,2\nx,rose,1,true\n", "flowers.csv:3: has 4 fields; expected 5")]
    [InlineData("too many fields", FlowerHeader + "x,rose,1,true,2\nx,rose,1,true,2,9\n", "flowers.csv:3: has 6 fields; expected 5")]
    [InlineData("missing header column", "kind,petal width,Spotted\nrose,1,true\n", "flowers.csv:1: the header has no column 'Length'")]
    [InlineData("empty file", "", "flowers.csv: the file is empty")]
    [InlineData("header only", FlowerHeader, "flowers.csv: no usable rows")]
    [InlineData("unclosed quote", FlowerHeader + "x,rose,1,true,2\n\"open,rose,1,true,2\n", "flowers.csv:3: a quoted field is not closed")]
    [InlineData("text after a closing quote", FlowerHeader + "\"x\"y,rose,1,true,2\n", "flowers.csv:2: field 1 has 'y' after its closing quote")]
    [InlineData("label outside the declared classes", FlowerHeader + "x,lily,1,true,2\n", "flowers.csv:2: label 'lily' is not one of the declared classes")]
    [InlineData("missing value", FlowerHeader + "x,rose,NA,true,2\n", "flowers.csv:2: column 'petal width' has no value")]
    [InlineData("bad boolean", FlowerHeader + "x,rose,1,maybe,2\n", "flowers.csv:2: column 'Spotted' has 'maybe'")]
    [InlineData("too few rows to split", FlowerHeader + "x,rose,1,true,2\nx,tulip,3,false,6\n", "flowers.csv has 2 usable records; training, validation and test need at least one each")]
    public void A_malformed_csv_exits_3_naming_the_file_and_line(string fault, string text, string message)
    {
        _ = fault;
        Write("flowers.csv", text);
        AssertFault(Flowers(), ExitCodes.Data, "error: Flowers: ", message);
    }

    private Result Pixels(params string[] args) => Launch<PixelTrainer, PixelNet, PixelRows, PixelConfig>("PixelTrainer", static (c, d) => new PixelTrainer(c, d), With(args));

    /// <summary>A 785-column pixel file (label,pixel1,...,pixel784) with <paramref name="change"/> applied to its lines.</summary>
    private void WritePixels(Func<string[], string[]> change)
    {
        var lines = new[] { "label," + string.Join(",", Enumerable.Range(1, 784).Select(i => $"pixel{i}")) }
            .Concat(Enumerable.Range(0, 24).Select(r => $"{r % 10}," + string.Join(",", Enumerable.Range(0, 784).Select(i => (r * 7 + i) % 256))))
            .ToArray();
        Write("pixels.csv", string.Join("\n", change(lines)) + "\n");
    }

    [Theory]
    [InlineData("a range column missing from the header", "pixels.csv:1: the header has no column 'pixel300' of Pixels (pixel1..pixel784)")]
    [InlineData("a pixel that is not a number", "pixels.csv:6: column 'pixel300' has '1e'")]
    [InlineData("a row short of one pixel", "pixels.csv:6: has 784 fields; expected 785")]
    public void A_malformed_pixel_file_exits_3_naming_the_file_line_and_column(string fault, string message)
    {
        WritePixels(lines =>
        {
            var fields = lines[fault.StartsWith("a range", StringComparison.Ordinal) ? 0 : 5].Split(',').ToList();
            if (fault.StartsWith("a row", StringComparison.Ordinal)) fields.RemoveAt(300);
            else fields[300] = fault.StartsWith("a range", StringComparison.Ordinal) ? "pixel300b" : "1e";
            lines[fault.StartsWith("a range", StringComparison.Ordinal) ? 0 : 5] = string.Join(",", fields);
            return lines;
        });
        AssertFault(Pixels(), ExitCodes.Data, "error: PixelRows: ", message);
    }

    [Fact]
    public void Good_pixel_data_trains_so_each_fault_above_is_its_own()
    {
        WritePixels(lines => lines);
        var result = Pixels();
        Assert.True(result.Code == 0, result.Error);
        Assert.Equal("", result.Error);
    }

    [Theory]
    [InlineData("binary")]
    [InlineData("utf-16")]
    public void A_binary_or_utf16_csv_exits_3_saying_it_is_not_utf8_text(string kind)
    {
        byte[] bytes = kind == "binary" ? Garbage(3000, 1) : Encoding.Unicode.GetBytes(FlowerRows(10));
        WriteBytes("flowers.csv", bytes);
        AssertFault(Flowers(), ExitCodes.Data, "flowers.csv is not a UTF-8 text file", "NUL");
    }

    [Fact]
    public void A_missing_csv_exits_3_naming_the_file_and_the_data_flag()
    {
        AssertFault(Flowers(), ExitCodes.Data, Path.Combine(_folder, "flowers.csv"), "--data FOLDER");
    }

    [Fact]
    public void An_integer_label_outside_the_declared_classes_exits_3()
    {
        Write("strict.csv", "X,Y\n1,0\n2,1\n3,2\n4,3\n");
        var result = Launch<StrictTrainer, StrictNet, Strict, FlowerConfig>("StrictTrainer", static (c, d) => new StrictTrainer(c, d), With([]));
        AssertFault(result, ExitCodes.Data, "strict.csv:5: label '3' is not a class: expected 0 to 2");
    }

    [Fact]
    public void A_test_file_with_a_class_the_training_file_lacks_exits_3()
    {
        Write("train.csv", "X,Kind\n1,a\n2,b\n3,a\n4,b\n5,a\n6,b\n");
        Write("test.csv", "X,Kind\n1,c\n");
        var result = Launch<SplitTrainer, SplitNet, Split, FlowerConfig>("SplitTrainer", static (c, d) => new SplitTrainer(c, d), With([]));
        AssertFault(result, ExitCodes.Data, "test.csv: the test file has class 'c'");
    }

    [Fact]
    public void A_csv_whose_classes_outnumber_the_model_outputs_exits_3_with_both_counts()
    {
        Write("train.csv", "X,Kind\n1,a\n2,b\n3,c\n4,a\n5,b\n6,c\n7,a\n8,b\n9,c\n");
        Write("test.csv", "X,Kind\n1,a\n");
        var result = Launch<SplitTrainer, SplitNet, Split, FlowerConfig>("SplitTrainer", static (c, d) => new SplitTrainer(c, d), With([]));
        AssertFault(result, ExitCodes.Data, "train.csv has 3 classes (a, b, c), but SplitNet outputs 2 class scores");
    }

    // ---- IDX ----------------------------------------------------------------------------------

    private static byte[] IdxBytes(int[] dims, byte[] data, byte type = 0x08)
    {
        var bytes = new List<byte> { 0, 0, type, (byte)dims.Length };
        foreach (int dim in dims) bytes.AddRange([(byte)(dim >> 24), (byte)(dim >> 16), (byte)(dim >> 8), (byte)dim]);
        bytes.AddRange(data);
        return bytes.ToArray();
    }

    private static byte[] Gzip(byte[] data)
    {
        var packed = new MemoryStream();
        using (var gzip = new GZipStream(packed, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(data);
        return packed.ToArray();
    }

    /// <summary>The four files of <see cref="TinyIdx"/>: 8 training and 2 test images of 2x3, labels 0 and 1.</summary>
    private void GoodIdx()
    {
        WriteBytes("images.idx", IdxBytes([8, 2, 3], Enumerable.Range(0, 48).Select(i => (byte)(i * 5)).ToArray()));
        WriteBytes("labels.idx", IdxBytes([8], [0, 1, 0, 1, 0, 1, 0, 1]));
        WriteBytes("test-images.idx", IdxBytes([2, 2, 3], new byte[12]));
        WriteBytes("test-labels.idx", IdxBytes([2], [1, 0]));
    }

    [Fact]
    public void Good_idx_data_trains_so_each_fault_below_is_its_own()
    {
        GoodIdx();
        var result = Idx();
        Assert.True(result.Code == 0, result.Error);
    }

    [Theory]
    [InlineData("wrong magic", "images.idx", "images.idx is not an IDX file")]
    [InlineData("wrong count", "labels.idx", "labels.idx holds 7 labels but")]
    [InlineData("truncated", "images.idx", "images.idx is truncated: record 5 of 8 is incomplete")]
    [InlineData("truncated header", "images.idx", "images.idx is truncated inside its header")]
    [InlineData("bad gzip", "images.idx", "images.idx is a damaged gzip file")]
    [InlineData("cut gzip", "images.idx", "images.idx")]
    [InlineData("wrong image size", "images.idx", "images.idx holds 3x3 grey images [1, 3, 3]; the dataset declares [1, 2, 3]")]
    [InlineData("label outside the classes", "labels.idx", "labels.idx: record 3 has label 12, outside the 10 classes")]
    [InlineData("wrong rank", "labels.idx", "labels.idx has 2 dims; expected 1")]
    [InlineData("not unsigned bytes", "images.idx", "images.idx holds IDX type 0x0d; only unsigned bytes (0x08) are supported")]
    [InlineData("missing", "test-labels.idx", "IDX file '")]
    public void A_malformed_idx_file_exits_3_naming_the_file(string fault, string file, string message)
    {
        GoodIdx();
        var images = Enumerable.Range(0, 48).Select(i => (byte)(i * 5)).ToArray();
        switch (fault)
        {
            case "wrong magic": WriteBytes(file, [0x1f, 0x00, 0x08, 3, .. new byte[60]]); break;
            case "wrong count": WriteBytes(file, IdxBytes([7], [0, 1, 0, 1, 0, 1, 0])); break;
            case "truncated": WriteBytes(file, IdxBytes([8, 2, 3], images[..32])); break;
            case "truncated header": WriteBytes(file, IdxBytes([8, 2, 3], [])[..9]); break;
            case "bad gzip": WriteBytes(file, [0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0xff, .. Garbage(64, 2)]); break;
            case "cut gzip": WriteBytes(file, Gzip(IdxBytes([8, 2, 3], images))[..30]); break;
            case "wrong image size": WriteBytes(file, IdxBytes([8, 3, 3], new byte[72])); break;
            case "label outside the classes": WriteBytes(file, IdxBytes([8], [0, 1, 0, 12, 0, 1, 0, 1])); break;
            case "wrong rank": WriteBytes(file, IdxBytes([8, 1], [0, 1, 0, 1, 0, 1, 0, 1])); break;
            case "not unsigned bytes": WriteBytes(file, IdxBytes([8, 2, 3], images, type: 0x0d)); break;
            case "missing": File.Delete(Path.Combine(_folder, file)); break;
        }
        AssertFault(Idx(), ExitCodes.Data, "error: TinyIdx: ", Path.Combine(_folder, file), message);
    }

    // ---- Image folders ------------------------------------------------------------------------

    private void Picture(string path, SKColor color)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(_folder, path))!);
        using var bitmap = new SKBitmap(8, 6);
        bitmap.Erase(color);
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 95);
        File.WriteAllBytes(Path.Combine(_folder, path), data.ToArray());
    }

    private void GoodPictures(params string[] classes)
    {
        foreach (string name in classes.Length > 0 ? classes : ["cat", "dog"])
        {
            for (int i = 0; i < 4; i++) Picture(Path.Combine("pictures", name, $"{i}.png"), new SKColor((byte)(name.Length * 40), (byte)(i * 30), 90));
        }
    }

    [Fact]
    public void A_good_image_folder_trains_so_each_fault_below_is_its_own()
    {
        GoodPictures();
        var result = Pictures();
        Assert.True(result.Code == 0, result.Error);
    }

    [Fact]
    public void A_broken_image_exits_3_naming_the_file()
    {
        GoodPictures();
        string broken = Write(Path.Combine("pictures", "dog", "broken.png"), "not a png");
        AssertFault(Pictures(), ExitCodes.Data, broken, "not a decodable image", "OnBadRecord = BadRecords.Skip");
    }

    [Fact]
    public void A_truncated_image_exits_3_naming_the_file()
    {
        GoodPictures();
        string path = Path.Combine(_folder, "pictures", "cat", "0.png");
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..60]);
        AssertFault(Pictures(), ExitCodes.Data, path);
    }

    [Fact]
    public void An_empty_class_folder_exits_3_naming_the_folder()
    {
        GoodPictures();
        Directory.CreateDirectory(Path.Combine(_folder, "pictures", "bird"));
        AssertFault(Pictures(), ExitCodes.Data, Path.Combine(_folder, "pictures", "bird") + " holds no images", "class 'bird'");
    }

    [Fact]
    public void An_extra_class_folder_exits_3_with_both_class_counts()
    {
        GoodPictures("cat", "dog", "fox");
        AssertFault(Pictures(), ExitCodes.Data, Path.Combine(_folder, "pictures") + " has 3 classes (cat, dog, fox), but PictureNet outputs 2 class scores");
    }

    [Fact]
    public void A_single_class_folder_exits_3_asking_for_two_classes()
    {
        GoodPictures("cat");
        AssertFault(Pictures(), ExitCodes.Data, Path.Combine(_folder, "pictures") + " has 1 class sub-folder (cat); a classifier needs at least 2");
    }

    [Fact]
    public void An_image_folder_without_class_folders_exits_3()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "pictures"));
        AssertFault(Pictures(), ExitCodes.Data, Path.Combine(_folder, "pictures") + " has no class sub-folders");
    }

    [Fact]
    public void A_missing_image_folder_exits_3_naming_it()
    {
        AssertFault(Pictures(), ExitCodes.Data, Path.Combine(_folder, "pictures"), "does not exist", "--data FOLDER");
    }

    // ---- Text ---------------------------------------------------------------------------------

    private static string StoryText() => string.Concat(Enumerable.Range(0, 40).Select(i => $"line {i} of the story\n"));

    [Fact]
    public void A_good_text_trains_so_each_fault_below_is_its_own()
    {
        Write("story.txt", StoryText());
        var result = Story();
        Assert.True(result.Code == 0, result.Error);
    }

    [Theory]
    [InlineData("empty", "story.txt is empty")]
    [InlineData("binary", "story.txt is not UTF-8 text: byte ")]
    [InlineData("utf-16 without a byte-order mark", "story.txt is not UTF-8 text: byte 1 is NUL (a binary file, or UTF-16 text without a byte-order mark)")]
    [InlineData("latin-1", "story.txt is not UTF-8 text: invalid UTF-8")]
    [InlineData("no known characters", "% of its characters are outside the tokenizer's vocabulary (chars-ascii-97; at most 5% may be)")]
    [InlineData("too short", "story.txt: its 20 tokens leave the validation split 4, fewer than one window of 8 tokens")]
    public void A_text_that_is_not_usable_exits_3_naming_the_file_and_the_reason(string fault, string message)
    {
        byte[] bytes = fault switch
        {
            "empty" => [],
            "binary" => Garbage(2000, 3),
            "utf-16 without a byte-order mark" => Encoding.Unicode.GetBytes(StoryText()),
            "latin-1" => Encoding.Latin1.GetBytes("Un café à Noël, très bien.\n" + StoryText()),
            // Greek and Cyrillic: valid UTF-8 that the ASCII character vocabulary maps to its unknown token.
            "no known characters" => Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("Καλημέρα κόσμε Привет мир\n", 20))),
            _ => Encoding.UTF8.GetBytes("twenty characters...")[..20],
        };
        WriteBytes("story.txt", bytes);
        AssertFault(Story(), ExitCodes.Data, "error: Story: ", message);
    }

    [Fact]
    public void A_utf16_text_with_its_byte_order_mark_is_read_as_text()
    {
        WriteBytes("story.txt", [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(StoryText())]);
        var result = Story();
        Assert.True(result.Code == 0, result.Error);
    }

    [Fact]
    public void A_missing_text_exits_3_naming_the_path()
    {
        AssertFault(Story(), ExitCodes.Data, Path.Combine(_folder, "story.txt"), "neither a file nor a folder");
    }

    // ---- Model and data -----------------------------------------------------------------------

    [Fact]
    public void Labels_beyond_the_model_outputs_exit_3_before_training()
    {
        var result = Launch<FiveLabelTrainer, Mlp, FiveLabelBlobs, MlpConfig>("FiveLabelTrainer", static (c, d) => new FiveLabelTrainer(c, d), ["--output", Run]);
        AssertFault(result, ExitCodes.Data, "error: FiveLabelBlobs: the training split has label 4, but Mlp outputs 3 class scores (labels 0 to 2)");
        Assert.DoesNotContain("epoch", result.Output);
        Assert.False(Directory.Exists(Run), "nothing is written for a run that cannot start");
    }

    [Fact]
    public void Samples_of_the_wrong_shape_exit_3_naming_both_shapes()
    {
        var result = Launch<FlatBlobTrainer, Mlp, FlatBlobs, MlpConfig>("FlatBlobTrainer", static (c, d) => new FlatBlobTrainer(c, d), ["--output", Run]);
        AssertFault(result, ExitCodes.Data, "error: FlatBlobs: its samples do not fit Mlp", "[1, 5]");
    }

    // ---- Configuration and flags --------------------------------------------------------------

    [Theory]
    [InlineData("{\n  \"hidden\": 8,\n  \"dropout\": 0.1 0.2\n}", "run.json:3:18: invalid JSON: '0' is invalid after a value. Expected either ',', '}', or ']'. Fix the file")]
    [InlineData("{ \"hiden\": 8 }", "run.json: unknown hyperparameter 'hiden'. Did you mean 'hidden'?")]
    [InlineData("{ \"hidden\": \"wide\" }", "run.json: 'hidden' must be an integer; got \"wide\".")]
    [InlineData("[1, 2]", "run.json: expected a JSON object of hyperparameters")]
    [InlineData("{ \"dropout\": 2 }", "Option '--dropout' must be in [0, 0.9]; got 2.")]
    public void A_bad_config_file_exits_2_naming_the_file(string json, string message)
    {
        string path = Write("run.json", json);
        AssertFault(Blobs("--config", path, "--output", Run), ExitCodes.Usage, message);
    }

    [Fact]
    public void A_missing_config_file_exits_2_naming_it()
    {
        AssertFault(Blobs("--config", Path.Combine(_folder, "none.json")), ExitCodes.Usage, "Option '--config': cannot read '" + Path.Combine(_folder, "none.json"));
    }

    [Theory]
    [InlineData(new[] { "--hiden", "8" }, "Unknown option '--hiden'. Did you mean '--hidden'?")]
    [InlineData(new[] { "--epochs" }, "Option '--epochs'")]
    [InlineData(new[] { "--output" }, "Option '--output' expects a value but no value was given.")]
    [InlineData(new[] { "--dropout", "2" }, "Option '--dropout' must be in [0, 0.9]; got 2.")]
    [InlineData(new[] { "--hidden", "wide" }, "Option '--hidden' expects an integer; got 'wide'.")]
    [InlineData(new[] { "--checkpoint-every", "-1" }, "Option '--checkpoint-every' expects a number of steps")]
    [InlineData(new[] { "--device", "gpu" }, "Option '--device' expects cpu, cuda or cuda:N; got 'gpu'.")]
    [InlineData(new[] { "stray" }, "Unexpected argument 'stray'")]
    [InlineData(new[] { "--data", "/tmp" }, "Option '--data': Blobs does not read files from a folder.")]
    public void A_bad_flag_exits_2_naming_the_flag(string[] args, string message)
    {
        AssertFault(Blobs(args), ExitCodes.Usage, message);
    }

    // ---- Output -------------------------------------------------------------------------------

    [Fact]
    public void An_output_that_is_a_file_exits_4_naming_it()
    {
        string file = Write("taken", "a file");
        AssertFault(Blobs("--output", file, "--epochs", "1", "--hidden", "8"), ExitCodes.Output, $"Option '--output': '{file}' is a file, not a folder");
    }

    [Fact]
    public void An_output_below_a_file_exits_4_naming_the_folder()
    {
        string file = Write("taken", "a file");
        string folder = Path.Combine(file, "run");
        AssertFault(Blobs("--output", folder, "--epochs", "1", "--hidden", "8"), ExitCodes.Output, $"Option '--output': '{file}' is a file, so the folder '{folder}' cannot be made inside it");
    }

    [Fact]
    public void A_read_only_output_exits_4_naming_the_folder()
    {
        // Root writes through permission bits; sysfs refuses new folders to everyone.
        string parent = Path.Combine(_folder, "read-only");
        Directory.CreateDirectory(parent);
        File.SetUnixFileMode(parent, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        string folder = Path.Combine(parent, "run");
        if (CanWrite(parent)) folder = "/sys/sculpt-fault-test-run";
        AssertFault(Blobs("--output", folder, "--epochs", "1", "--hidden", "8"), ExitCodes.Output, $"Option '--output': cannot write the run folder '{folder}'");
    }

    private static bool CanWrite(string folder)
    {
        try
        {
            string probe = Path.Combine(folder, "probe");
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    [Fact]
    public void A_full_disk_at_a_checkpoint_exits_4_and_the_last_good_checkpoint_resumes()
    {
        // The checkpoint of step 10 is written to /dev/full, where every write fails with ENOSPC,
        // exactly as on a full disk; the checkpoints before it must stay whole.
        OutputFiles.Open = (path, mode) => path.Contains("step-000000010", StringComparison.Ordinal)
            ? new FileStream("/dev/full", FileMode.Open, FileAccess.Write)
            : DefaultOpen(path, mode);
        var full = Blobs("--output", Run, "--epochs", "2", "--hidden", "8", "--checkpoint-every", "5");
        string checkpoints = Path.Combine(Run, "checkpoints");
        string last = Path.Combine(checkpoints, "step-000000008");
        AssertFault(full, ExitCodes.Output,
            $"Cannot write the checkpoint '{Path.Combine(checkpoints, "step-000000010")}': no space left on the device (the disk is full)",
            $"the last good checkpoint is {last}", $"--resume {last}");
        Assert.Empty(Directory.GetDirectories(checkpoints, "*.tmp-*"));
        Assert.False(Directory.Exists(Path.Combine(checkpoints, "step-000000010")));

        OutputFiles.Open = DefaultOpen;
        var resumed = Blobs("--output", Run, "--epochs", "2", "--hidden", "8", "--checkpoint-every", "5", "--resume", last);
        Assert.True(resumed.Code == 0, resumed.Error);
        Assert.Contains("epoch 2/2", resumed.Output);
    }

    [Fact]
    public void A_full_disk_when_saving_the_model_exits_4_pointing_at_the_checkpoint()
    {
        OutputFiles.Open = (path, mode) => path.Contains("model.dat", StringComparison.Ordinal)
            ? new FileStream("/dev/full", FileMode.Open, FileAccess.Write)
            : DefaultOpen(path, mode);
        var result = Blobs("--output", Run, "--epochs", "1", "--hidden", "8");
        string checkpoint = Path.Combine(Run, "checkpoints", "step-000000008");
        AssertFault(result, ExitCodes.Output, $"Cannot save the trained model in '{Run}': no space left on the device", $"the trained weights are in the checkpoint {checkpoint}", $"--resume {checkpoint}");
        Assert.Empty(Directory.GetFiles(Run, "model.dat*"));

        // As the message says: with room again, resuming from the checkpoint trains nothing more and saves the model.
        OutputFiles.Open = DefaultOpen;
        var saved = Blobs("--output", Run, "--epochs", "1", "--hidden", "8", "--resume", checkpoint);
        Assert.True(saved.Code == 0, saved.Error);
        Assert.True(File.Exists(Path.Combine(Run, "model.dat")));
    }

    [Fact]
    public void A_full_disk_for_the_run_log_exits_4_naming_the_folder()
    {
        OutputFiles.Open = (path, mode) => path.EndsWith("epochs.csv", StringComparison.Ordinal)
            ? new FileStream("/dev/full", FileMode.Open, FileAccess.Write)
            : DefaultOpen(path, mode);
        AssertFault(Blobs("--output", Run, "--epochs", "1", "--hidden", "8"), ExitCodes.Output, $"Cannot write the run log in '{Run}': no space left on the device (the disk is full)", "--output");
    }

    [Fact]
    public void A_checkpoint_of_another_programs_hyperparameters_exits_3_naming_it()
    {
        // The checkpoint is whole (its checksums hold) but holds another record's hyperparameters:
        // the file is at fault, not the command line, so data (3) rather than usage (2).
        Assert.Equal(0, Blobs("--output", Run, "--epochs", "1", "--hidden", "8", "--checkpoint-every", "5").Code);
        string checkpoint = Path.Combine(Run, "checkpoints", "step-000000005");
        AssertFault(Flowers("--resume", checkpoint), ExitCodes.Data,
            Path.Combine(checkpoint, "trainer.json"), "hidden", "resume it with the program that wrote it");
    }

    [Fact]
    public void A_damaged_resume_checkpoint_exits_3_naming_it()
    {
        var first = Blobs("--output", Run, "--epochs", "1", "--hidden", "8");
        Assert.True(first.Code == 0, first.Error);
        string checkpoint = Path.Combine(Run, "checkpoints", "step-000000008");
        File.WriteAllText(Path.Combine(checkpoint, "trainer.json"), "{ not json");
        AssertFault(Blobs("--output", Run, "--epochs", "2", "--hidden", "8", "--resume", checkpoint), ExitCodes.Data, Path.Combine(checkpoint, "trainer.json"), "is not a valid checkpoint state file");
        AssertFault(Blobs("--output", Run, "--resume", Path.Combine(Run, "nowhere")), ExitCodes.Data, "nowhere' is not a complete checkpoint: trainer.json is missing.");
    }

    // ---- Help and --verbose -------------------------------------------------------------------

    [Fact]
    public void Help_lists_the_exit_codes_and_verbose()
    {
        var result = Blobs("--help");
        Assert.Equal(0, result.Code);
        Assert.Contains("[--verbose]", result.Output);
        foreach (int code in new[] { ExitCodes.TrainingFailed, ExitCodes.Usage, ExitCodes.Data, ExitCodes.Output, ExitCodes.Interrupted })
        {
            Assert.Matches(new Regex($"\\n  {code} +\\w"), result.Output);
        }
    }

    [Fact]
    public void Verbose_adds_the_stack_trace_after_the_one_line_error()
    {
        Write("flowers.csv", FlowerHeader + "x,rose,1,true,abc\n");
        var result = Flowers("--verbose");
        Assert.Equal(ExitCodes.Data, result.Code);
        var lines = result.Error.Split('\n');
        Assert.StartsWith("error: Flowers: ", lines[0]);
        Assert.Contains("System.IO.InvalidDataException", lines[1]);
        Assert.Contains("   at ", result.Error);
    }

    // ---- Ops: shapes checked before libtorch, which aborts the process on some ---------------

    public static TheoryData<string, Func<Tensor>, string> BadOps => new()
    {
        { "matmul inner dims", () => Ops.MatMul(zeros(2, 3), zeros(4, 5)), "Ops.MatMul: [2, 3] and [4, 5] do not fit [*, N, K] @ [*, K, M]: K is 3 in the first (its last dim) but 4 in the second" },
        { "matmul vector", () => Ops.MatMul(zeros(2, 3), zeros(4)), "Ops.MatMul: [2, 3] and [4] do not fit" },
        { "matmul batch", () => Ops.MatMul(zeros(2, 3, 4), zeros(5, 4, 6)), "the leading dims do not broadcast: 2 against 5" },
        { "matmul scalar", () => Ops.MatMul(zeros(2, 3), tensor(1f)), "at least one dim" },
        { "reshape", () => Ops.Reshape(zeros(2, 3), 4, -1), "Ops.Reshape: [2, 3] does not fit the shape (4, -1): 6 elements cannot take that shape" },
        { "reshape two unknowns", () => Ops.Reshape(zeros(2, 3), -1, -1), "only one dim may be -1" },
        { "transpose", () => Ops.Transpose(zeros(2, 3), 0, 2), "the second dim 2 is out of range for 2 dim(s)" },
        { "permute", () => Ops.Permute(zeros(2, 3, 4), 0, 1), "the order names 2 dims but the tensor has 3" },
        { "permute twice", () => Ops.Permute(zeros(2, 3), 1, -1), "dim 1 is named twice" },
        { "flatten", () => Ops.Flatten(zeros(2, 3), 3), "the start dim 3 is out of range" },
        { "concat", () => Ops.Concat(1, zeros(2, 3), zeros(4, 3)), "Ops.Concat: [2, 3] and [4, 3] do not fit joining along dim 1 (every other dim equal): dim 0 is 2 in one and 4 in another" },
        { "stack", () => Ops.Stack(0, zeros(2, 3), zeros(2, 4)), "Ops.Stack: [2, 3] and [2, 4] do not fit stacking same-shaped tensors at dim 0: the shapes differ" },
        { "sum", () => Ops.Sum(zeros(2, 3), 2), "Ops.Sum: [2, 3] does not fit summing over dim 2" },
        { "mean", () => Ops.Mean(zeros(2, 3), -3), "Ops.Mean" },
        { "softmax", () => Ops.Softmax(zeros(2, 3), 5), "Ops.Softmax" },
        { "select", () => Ops.Select(zeros(2, 3), 1, 3), "Ops.Select: [2, 3] does not fit index 3 of dim 1: dim 1 has 3 entries" },
        { "positions", () => Ops.Positions(zeros(5)), "Ops.Positions" },
    };

    [Theory]
    [MemberData(nameof(BadOps))]
    public void An_op_given_shapes_it_cannot_take_throws_a_shape_mismatch_naming_them(string op, Func<Tensor> call, string message)
    {
        _ = op;
        var error = Assert.Throws<ShapeMismatchException>(() => call());
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Ops_that_fit_still_compute_what_libtorch_does()
    {
        Assert.Equal(new long[] { 2, 3, 6 }, Ops.MatMul(zeros(2, 3, 4), zeros(1, 4, 6)).shape);
        Assert.Equal(new long[] { 3 }, Ops.MatMul(zeros(3, 4), zeros(4)).shape);
        Assert.Equal(new long[] { 6 }, Ops.MatMul(zeros(4), zeros(2, 4, 6)).shape[^1..]);
        Assert.Equal(new long[] { 3, 2 }, Ops.Reshape(zeros(2, 3), -1, 2).shape);
        Assert.Equal(new long[] { 4, 3, 2 }, Ops.Permute(zeros(2, 3, 4), -1, 1, 0).shape);
        Assert.Equal(new long[] { 2, 12 }, Ops.Flatten(zeros(2, 3, 4)).shape);
        Assert.Equal(new long[] { 2, 7 }, Ops.Concat(-1, zeros(2, 3), zeros(2, 4)).shape);
        Assert.Equal(new long[] { 2, 3, 2 }, Ops.Stack(-1, zeros(2, 3), zeros(2, 3)).shape);
        Assert.Equal(new long[] { 2 }, Ops.Select(zeros(2, 3), 1, -3).shape);
    }
}
