using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Sculpt.Data.Tabular;
using Sculpt.HyperParameters;
using Sculpt.Prediction;
using Sculpt.Training;
using Xunit;
using static TorchSharp.torch;

namespace Sculpt.Tests;

/// <summary>Orders with a category, values that may be missing, and classes the file names (not declared): what predict must reproduce.</summary>
[CsvDataset("orders.csv", TestFile = "orders-test.csv", Validation = 0.2, Missing = MissingValues.FillMean)]
public partial record Orders
{
    public float Amount { get; init; }
    public float Items { get; init; }
    [Feature(Categories = ["web", "store", "phone"])] public string Channel { get; init; } = "";
    [Label] public string Outcome { get; init; } = "";
}

[HyperParameters]
public partial record OrderConfig : TrainingHyperParameters
{
    public override int Epochs { get; init; } = 4;
    public override int BatchSize { get; init; } = 32;
    public override double LearningRate { get; init; } = 1e-2;
}

[Model(typeof(OrderConfig))]
public partial class OrderNet
{
    [Linear(5, 16)] private partial Tensor Hidden(Tensor x);
    [Linear(16, 3)] private partial Tensor Classify(Tensor x);

    [Forward("B 5 -> B 3")]
    public Tensor Forward(Tensor order) => Classify(Ops.Relu(Hidden(order)));
}

[Trainer(Loss.CrossEntropy, Optimizer.AdamW)]
public partial class OrderTrainer : Trainer<OrderNet, Orders, OrderConfig>;

/// <summary>The generated <c>predict</c> and <see cref="TabularPredictor{TModel, TData, TConfig}"/>: a run folder's model on new rows without labels.</summary>
public sealed class PredictionTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sculpt-predict-").FullName;
    private readonly string _run;

    public PredictionTests()
    {
        _run = Path.Combine(_folder, "run");
        File.WriteAllText(Path.Combine(_folder, "orders.csv"), Orders(400, seed: 1));
        File.WriteAllText(Path.Combine(_folder, "orders-test.csv"), Orders(120, seed: 2));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Orders whose outcome follows the amount, the item count and the channel; every 17th amount is missing.</summary>
    private static string Orders(int count, int seed, bool labelled = true)
    {
        var random = new Random(seed);
        var text = new StringBuilder(labelled ? "amount,items,channel,outcome\n" : "channel,items,amount\n");
        string[] channels = ["web", "store", "phone"];
        for (int i = 0; i < count; i++)
        {
            double amount = Math.Round(random.NextDouble() * 200, 2);
            int items = random.Next(1, 9);
            int channel = random.Next(3);
            double score = amount / 50 - items / 2.0 + channel + random.NextDouble();
            string outcome = score < 1.5 ? "kept" : score < 3 ? "returned" : "lost";
            string shown = i % 17 == 5 ? "NA" : amount.ToString(CultureInfo.InvariantCulture);
            text.Append(labelled ? $"{shown},{items},{channels[channel]},{outcome}\n" : $"{channels[channel]},{items},{shown}\n");
        }
        return text.ToString();
    }

    private (int Code, string Output, string Error) Cli(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = args is ["predict", ..]
            ? TrainerCommandLine.Predict<OrderNet, Orders, OrderConfig>("OrderTrainer", args[1..], output, error)
            : TrainerCommandLine.Run<OrderTrainer, OrderNet, Orders, OrderConfig>("OrderTrainer", args, static (config, device) => new OrderTrainer(config, device), output, error);
        return (code, output.ToString(), error.ToString());
    }

    private void Train()
    {
        var (code, _, error) = Cli("--data", _folder, "--output", _run, "--threads", "1");
        Assert.True(code == ExitCodes.Success, error);
    }

    [Fact]
    public void Predictions_of_new_rows_without_labels_give_the_trainer_s_test_loss_and_accuracy()
    {
        var (code, output, error) = Cli("--data", _folder, "--output", _run, "--threads", "1");
        Assert.True(code == ExitCodes.Success, error);
        var tested = Regex.Match(output, @"test on 120 samples .*: loss (\d+\.\d+), test accuracy (\d+\.\d+)%");
        Assert.True(tested.Success, output);
        Assert.Equal("[\n  \"kept\",\n  \"lost\",\n  \"returned\"\n]", File.ReadAllText(Path.Combine(_run, TrainedModel.ClassesFile)).ReplaceLineEndings("\n"));

        // The test rows again, labels dropped and columns reordered: predict reads features only, by header name.
        string input = Path.Combine(_folder, "new.csv");
        File.WriteAllText(input, Orders(120, seed: 2, labelled: false));
        string predictionsPath = Path.Combine(_folder, "predictions.csv");
        (code, output, error) = Cli("predict", "--input", input, "--output", predictionsPath, "--run", _run);
        Assert.True(code == ExitCodes.Success, error);
        Assert.Contains($"predicted 120 row(s) of {input}", output);

        var lines = File.ReadAllLines(predictionsPath);
        Assert.Equal("row,prediction,p_kept,p_lost,p_returned", lines[0]);
        Assert.Equal(121, lines.Length);
        var truth = File.ReadAllLines(Path.Combine(_folder, "orders-test.csv")).Skip(1).Select(l => l.Split(',')[3]).ToArray();
        string[] names = ["kept", "lost", "returned"];
        double loss = 0;
        int right = 0;
        for (int row = 0; row < 120; row++)
        {
            var fields = lines[row + 1].Split(',');
            Assert.Equal((row + 1).ToString(CultureInfo.InvariantCulture), fields[0]);
            var p = fields.Skip(2).Select(f => double.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(1.0, p.Sum(), 5);
            Assert.Equal(names[Array.IndexOf(p, p.Max())], fields[1]);
            loss -= Math.Log(p[Array.IndexOf(names, truth[row])]);
            if (fields[1] == truth[row]) right++;
        }
        // The run prints its test loss to 4 decimals and its accuracy to 2: predict's rows give the same figures.
        Assert.Equal(double.Parse(tested.Groups[1].Value, CultureInfo.InvariantCulture), loss / 120, 4);
        Assert.Equal(tested.Groups[2].Value, (100.0 * right / 120).ToString("F2", CultureInfo.InvariantCulture));
    }

    [Fact]
    public void The_predictor_loads_from_the_run_folder_and_leaves_the_global_generator_alone()
    {
        Train();
        manual_seed(7);
        float expected = rand(1).item<float>();
        manual_seed(7);
        using var predictor = TabularPredictor<OrderNet, Orders, OrderConfig>.Load(_run);
        Assert.Equal(expected, rand(1).item<float>());
        Assert.Equal(["kept", "lost", "returned"], predictor.ClassNames!);
        Assert.False(predictor.Model.training);
        var predictions = predictor.PredictFile(Path.Combine(_folder, "orders-test.csv"));
        Assert.Equal(120, predictions.Count);
        Assert.Contains(predictions.ClassOf(0), new[] { "kept", "lost", "returned" });
    }

    [Fact]
    public void Records_built_in_code_get_the_predictions_of_the_same_rows_read_from_a_file()
    {
        Train();
        using var predictor = OrderTrainer.LoadPredictor(_run);
        string test = Path.Combine(_folder, "orders-test.csv");
        var records = File.ReadAllLines(test).Skip(1).Select(line => line.Split(',')).Select(f => new Orders
        {
            Amount = f[0] == "NA" ? float.NaN : float.Parse(f[0], CultureInfo.InvariantCulture),
            Items = float.Parse(f[1], CultureInfo.InvariantCulture),
            Channel = f[2],
        }).ToList();
        Assert.Contains(records, r => float.IsNaN(r.Amount));
        var fromFile = predictor.PredictFile(test);
        var fromRecords = predictor.Predict(records);
        Assert.Equal(fromFile.Names, fromRecords.Names);
        Assert.Equal(fromFile.Classes, fromRecords.Classes);
        for (int row = 0; row < fromFile.Count; row++) Assert.Equal(fromFile.Outputs[row], fromRecords.Outputs[row]);
        // Alone, a row meets other matrix kernels than in a batch: the same within float rounding.
        var alone = predictor.Predict(records[3]).Outputs[0];
        for (int k = 0; k < alone.Length; k++) Assert.Equal(fromFile.Outputs[3][k], alone[k], 1e-6);

        var unknown = Assert.Throws<ArgumentException>(() => predictor.Predict(new Orders { Amount = 10, Items = 2, Channel = "mail" }));
        Assert.Equal("Orders.Channel is 'mail', which is not one of its declared categories (web, store, phone).", unknown.Message);
    }

    [Fact]
    public void Bad_input_ends_in_one_line_that_names_the_file_and_line_or_the_flag()
    {
        Train();
        string input = Path.Combine(_folder, "bad.csv");
        File.WriteAllText(input, "amount,items,channel\n12.5,2,web\n40,3,mail\n");
        var (code, _, error) = Cli("predict", "--input", input, "--run", _run);
        Assert.Equal(ExitCodes.Data, code);
        Assert.Contains($"{input}:3", error);
        Assert.Contains("'mail'", error);
        Assert.Single(error.TrimEnd().Split('\n'));

        File.WriteAllText(input, "amount,channel\n12.5,web\n");
        (code, _, error) = Cli("predict", "--input", input, "--run", _run);
        Assert.Equal(ExitCodes.Data, code);
        Assert.Contains("the header has no column 'Items'", error);

        (code, _, error) = Cli("predict", "--run", _run);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Equal("error: predict: name the rows to predict with --input FILE.", error.TrimEnd());

        (code, _, error) = Cli("predict", "--input", input, "--run", Path.Combine(_folder, "no-run"));
        Assert.Equal(ExitCodes.Data, code);
        Assert.Contains("is not a run folder: it has no config.json", error);
        Assert.DoesNotContain("   at ", error);

        // Nothing is written where the predictions would have gone.
        Assert.False(File.Exists(Path.Combine(_run, "predictions.csv")));
    }
}
