using System;
using System.Globalization;
using System.IO;
using System.Linq;
using Sculpt.Data;
using Sculpt.Data.Images;
using Sculpt.HyperParameters;
using Sculpt.Prediction;
using Sculpt.Training;
using SkiaSharp;
using Xunit;
using static TorchSharp.torch;

namespace Sculpt.Tests;

/// <summary>Grey 8x8 pictures of stripes, horizontal or vertical, at any phase and with noise: a class a convolution sees.</summary>
[ImageFolderDataset("stripes", Width = 8, Height = 8, Channels = 1, Validation = 0.25)]
public partial class Stripes;

[HyperParameters]
public partial record StripeConfig : TrainingHyperParameters
{
    public override int Epochs { get; init; } = 12;
    public override int BatchSize { get; init; } = 8;
    public override double LearningRate { get; init; } = 1e-2;
}

[Model(typeof(StripeConfig))]
public partial class StripeNet
{
    [Conv2d(1, 4, 3, Padding = 1)] private partial Tensor Edges(Tensor x);
    [Linear(256, 2)] private partial Tensor Classify(Tensor x);

    [Forward("B 1 8 8 -> B 2")]
    public Tensor Forward(Tensor image) => Classify(Ops.Flatten(Ops.Relu(Edges(image))));
}

[Trainer(Loss.CrossEntropy, Optimizer.AdamW)]
public partial class StripeTrainer : Trainer<StripeNet, Stripes, StripeConfig>;

/// <summary>
/// <c>predict</c> and <see cref="ImagePredictor{TModel, TConfig}"/> for an image-folder trainer: image files, decoded and
/// standardised as training read its own, classified by a run folder's model.
/// </summary>
public sealed class ImagePredictionTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sculpt-predict-images-").FullName;
    private readonly string _run;
    private readonly string _new;

    public ImagePredictionTests()
    {
        _run = Path.Combine(_folder, "run");
        _new = Path.Combine(_folder, "new");
        WriteStripes(Path.Combine(_folder, "stripes"), 24, seed: 1);
        WriteStripes(_new, 10, seed: 2);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary><paramref name="perClass"/> PNGs in each of <c>horizontal/</c> and <c>vertical/</c>.</summary>
    private static void WriteStripes(string root, int perClass, int seed)
    {
        var random = new Random(seed);
        foreach (string kind in new[] { "horizontal", "vertical" })
        {
            string folder = Path.Combine(root, kind);
            Directory.CreateDirectory(folder);
            for (int i = 0; i < perClass; i++)
            {
                int phase = random.Next(2);
                using var bitmap = new SKBitmap(8, 8);
                for (int y = 0; y < 8; y++)
                {
                    for (int x = 0; x < 8; x++)
                    {
                        int along = kind == "horizontal" ? y : x;
                        byte value = (byte)Math.Clamp((along + phase) % 2 == 0 ? 200 + random.Next(-40, 40) : 50 + random.Next(-40, 40), 0, 255);
                        bitmap.SetPixel(x, y, new SKColor(value, value, value));
                    }
                }
                using var image = SKImage.FromBitmap(bitmap);
                using var data = image.Encode(SKEncodedImageFormat.Png, 100);
                File.WriteAllBytes(Path.Combine(folder, $"{kind[0]}{i:D2}.png"), data.ToArray());
            }
        }
    }

    private (int Code, string Output, string Error) Cli(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = TrainerCommandLine.Run<StripeTrainer, StripeNet, Stripes, StripeConfig>("StripeTrainer", args, static (config, device) => new StripeTrainer(config, device), output, error);
        return (code, output.ToString(), error.ToString());
    }

    private void Train()
    {
        var (code, _, error) = Cli("--data", _folder, "--output", _run, "--threads", "1");
        Assert.True(code == ExitCodes.Success, error);
    }

    [Fact]
    public void Predictions_of_image_files_give_the_trainer_s_loss_and_accuracy_on_the_same_images()
    {
        Train();
        string target = Path.Combine(_folder, "predictions.csv");
        var (code, output, error) = Cli("predict", "--input", _new, "--output", target, "--run", _run);
        Assert.True(code == ExitCodes.Success, error);
        Assert.Contains($"predicted 20 image(s) of {_new}", output);
        var lines = File.ReadAllLines(target);
        Assert.Equal("file,prediction,p_horizontal,p_vertical", lines[0]);
        Assert.Equal(21, lines.Length);

        // The same images as a dataset, standardised with the run's statistics, through the trainer's own evaluation.
        var (images, names, _) = ImageFolder.Load(_new, 8, 8, 1);
        Assert.Equal(["horizontal", "vertical"], names);
        var normalization = FeatureNormalization.Load(Path.Combine(_run, "normalization.json"));
        normalization.ApplyInPlace(images.Features);
        using var trainer = new StripeTrainer(new StripeConfig());
        WeightFiles.Load(trainer.Model, Path.Combine(_run, "model.dat"));
        var evaluation = trainer.Evaluate(images);
        var labels = images.Targets.data<long>().ToArray();

        double loss = 0;
        int right = 0;
        for (int row = 0; row < 20; row++)
        {
            var fields = lines[row + 1].Split(',');
            // Files in ordinal path order: horizontal/ before vertical/, as the dataset labels them.
            Assert.Equal(Path.Combine(_new, names[labels[row]], $"{names[labels[row]][0]}{row % 10:D2}.png"), fields[0]);
            var p = fields.Skip(2).Select(f => double.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(1.0, p.Sum(), 5);
            loss -= Math.Log(p[labels[row]]);
            if (fields[1] == names[labels[row]]) right++;
        }
        Assert.Equal(evaluation.Loss, loss / 20, 5);
        Assert.Equal(evaluation.Accuracy!.Value, right / 20.0, 10);
        // The stripes are learnt: predictions that are right for a reason, not by chance.
        Assert.True(right >= 18, $"{right} of 20 right");
    }

    [Fact]
    public void A_predictor_in_a_fresh_process_loads_from_the_run_folder_alone_and_agrees_with_one_in_code()
    {
        Train();
        string target = Path.Combine(_folder, "fresh.csv");
        var (code, output, error) = TrainerProcess.Run(_folder, "--stripes", "predict", "--input", _new, "--output", target, "--run", _run);
        Assert.True(code == ExitCodes.Success, error + output);

        manual_seed(7);
        float expected = rand(1).item<float>();
        manual_seed(7);
        using var predictor = StripeTrainer.LoadPredictor(_run);
        Assert.Equal(expected, rand(1).item<float>());
        Assert.False(predictor.Model.training);
        Assert.Equal(new ImageLayout(1, 8, 8), predictor.Layout);
        var inCode = predictor.PredictPath(_new);
        var lines = File.ReadAllLines(target);
        for (int row = 0; row < inCode.Count; row++)
        {
            var fields = lines[row + 1].Split(',');
            Assert.Equal(inCode.Files![row], fields[0]);
            Assert.Equal(inCode.ClassOf(row), fields[1]);
            for (int k = 0; k < 2; k++) Assert.Equal(inCode.Outputs[row][k], float.Parse(fields[2 + k], CultureInfo.InvariantCulture), 1e-6);
        }
        // One file alone gets what it got among the others, within the rounding of other batch kernels.
        var one = predictor.Predict(inCode.Files![13]);
        Assert.Equal(inCode.ClassOf(13), one.ClassOf(0));
        for (int k = 0; k < 2; k++) Assert.Equal(inCode.Outputs[13][k], one.Outputs[0][k], 1e-6);
    }

    [Fact]
    public void Bad_images_end_in_one_line_that_names_the_file_and_nothing_is_written()
    {
        Train();
        string broken = Path.Combine(_new, "vertical", "v99.png");
        File.WriteAllBytes(broken, [0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3]);
        var (code, _, error) = Cli("predict", "--input", _new, "--run", _run);
        Assert.Equal(ExitCodes.Data, code);
        Assert.Equal($"error: {broken}: not a decodable image (PNG, JPEG, BMP, GIF or WebP), or corrupt", error.TrimEnd());

        (code, _, error) = Cli("predict", "--input", Path.Combine(_folder, "missing.png"), "--run", _run);
        Assert.Equal(ExitCodes.Data, code);
        Assert.Equal($"error: '{Path.Combine(_folder, "missing.png")}' is neither an image file nor a folder of images.", error.TrimEnd());

        string empty = Path.Combine(_folder, "empty");
        Directory.CreateDirectory(empty);
        (code, _, error) = Cli("predict", "--input", empty, "--run", _run);
        Assert.Equal(ExitCodes.Data, code);
        Assert.StartsWith($"error: {empty} holds no images", error);

        (code, _, error) = Cli("predict", "--run", _run);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Equal("error: predict: name the image, or the folder of images, to predict with --input IMAGE|FOLDER.", error.TrimEnd());

        (code, _, error) = Cli("predict", "--input", _new, "--run", Path.Combine(_folder, "no-run"));
        Assert.Equal(ExitCodes.Data, code);
        Assert.Contains("is not a run folder: it has no config.json", error);
        Assert.DoesNotContain("   at ", error);
        Assert.False(File.Exists(Path.Combine(_run, "predictions.csv")));

        (code, var help, _) = Cli("predict", "--help");
        Assert.Equal(ExitCodes.Success, code);
        Assert.StartsWith("usage: StripeTrainer predict --input IMAGE|FOLDER [--output FILE] [--run FOLDER]", help);
        Assert.Contains("each is read as Stripes reads its images (8x8 grey).", help);
    }
}
