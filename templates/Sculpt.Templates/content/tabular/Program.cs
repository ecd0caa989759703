// A classifier on a CSV file declared as a record: will a customer leave?
//   dotnet run                                  writes data/customers.csv on the first run, then trains
//   dotnet run -- --help                        every option
//   dotnet run -- export --onnx model.onnx      the trained model as an ONNX file
//   dotnet run -- predict --input new.csv       the trained model on new rows (no Outcome column needed)
//   dotnet test SculptTabular.Tests             the project's tests
using Sculpt;
using Sculpt.Training;
using SculptTabular;
using static TorchSharp.torch;

CustomerFile.WriteIfMissing();
return ChurnTrainer.Run(args);

namespace SculptTabular
{
    /// <summary>One row of customers.csv; header names match the properties ignoring case and '_'.</summary>
    [CsvDataset("data/customers.csv", Validation = 0.15, Test = 0.15, Missing = MissingValues.FillMean)]
    public partial record Customer
    {
        public float TenureMonths { get; init; }
        public float MonthlySpend { get; init; }
        public float SupportCalls { get; init; }
        public bool HasContract { get; init; }
        [Feature(Categories = ["basic", "plus", "pro"])] public string Plan { get; init; } = "";
        [Label(ClassNames = ["stays", "leaves"])] public string Outcome { get; init; } = "";
    }

    [HyperParameters]
    public partial record ChurnConfig : TrainingHyperParameters
    {
        /// <summary>Units in each hidden layer.</summary>
        [Range(1, 4096), SearchChoice(16, 32, 64, 128)] public int Hidden { get; init; } = 32;

        /// <summary>Share of hidden units dropped in each training step.</summary>
        [Range(0.0, 0.9), SearchRange(0.0, 0.5)] public double Dropout { get; init; } = 0.1;

        public override int Epochs { get; init; } = 10;
        public override double LearningRate { get; init; } = 3e-3;
    }

    /// <summary>Seven features in (four numbers and bools, three one-hot plans), two class scores out; another width is a build error.</summary>
    [Model(typeof(ChurnConfig), Exportable = true)]
    public partial class ChurnNet
    {
        [Linear(7, "Hidden")] private partial Tensor Hidden1(Tensor x);
        [Linear("Hidden", "Hidden")] private partial Tensor Hidden2(Tensor x);
        [Dropout("Dropout")] private partial Tensor Drop(Tensor x);
        [Linear("Hidden", 2)] private partial Tensor Classify(Tensor x);

        [Forward("B 7 -> B 2")]
        public Tensor Forward(Tensor customer) => Classify(Drop(Ops.Relu(Hidden2(Ops.Relu(Hidden1(customer))))));
    }

    [Trainer(Loss.CrossEntropy, Optimizer.AdamW)]
    public partial class ChurnTrainer : Trainer<ChurnNet, Customer, ChurnConfig>;

    /// <summary>Writes data/customers.csv in the working directory (the project folder under dotnet run): customers who leave by a fixed rule plus noise, a few spend values missing. Replace it with your own file.</summary>
    public static class CustomerFile
    {
        public static string Path => System.IO.Path.Combine("data", "customers.csv");

        public static void WriteIfMissing()
        {
            if (System.IO.File.Exists(Path)) return;
            System.IO.Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
            var random = new System.Random(7);
            var text = new System.Text.StringBuilder("tenure_months,monthly_spend,support_calls,has_contract,plan,outcome\n");
            string[] plans = ["basic", "plus", "pro"];
            for (int i = 0; i < 4000; i++)
            {
                int tenure = random.Next(1, 72), calls = random.Next(0, 8), plan = random.Next(3);
                double spend = System.Math.Round(20 + 80 * random.NextDouble(), 2);
                bool contract = random.NextDouble() < 0.5;
                double score = -0.05 * (tenure - 24) + 0.5 * (calls - 3) + 0.02 * (spend - 60) - (contract ? 1.0 : 0) - 0.4 * plan + random.NextDouble() - 0.5;
                string spent = random.NextDouble() < 0.02 ? "NA" : spend.ToString(System.Globalization.CultureInfo.InvariantCulture);
                text.Append(System.FormattableString.Invariant($"{tenure},{spent},{calls},{(contract ? "true" : "false")},{plans[plan]},{(score > 0 ? "leaves" : "stays")}\n"));
            }
            System.IO.File.WriteAllText(Path, text.ToString());
            System.Console.WriteLine($"wrote {Path}: 4,000 customers");
        }
    }
}
