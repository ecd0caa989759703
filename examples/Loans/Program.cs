// A tabular classifier on a declared CSV dataset: will a loan be repaid?
//   dotnet run --project examples/Loans -c Release            (writes data/loans.csv on the first run)
// The data is made by LoanFile.cs from a known rule plus noise, with some missing values, so the
// best possible accuracy is known (printed when the file is written); `--data FOLDER` reads a
// loans.csv from elsewhere.
using Loans;
using Sculpt;
using Sculpt.Training;
using static TorchSharp.torch;

LoanFile.WriteIfMissing();
return LoanTrainer.Run(args);

namespace Loans
{
    /// <summary>One row of loans.csv; the header names match the properties ignoring case and '_'.</summary>
    [CsvDataset("data/loans.csv", Validation = 0.15, Test = 0.15, Missing = MissingValues.FillMean)]
    public partial record Loan
    {
        public float Income { get; init; }
        public float DebtRatio { get; init; }
        public float Age { get; init; }
        public float YearsEmployed { get; init; }
        public float CreditLines { get; init; }
        public bool HasMortgage { get; init; }
        [Feature(Categories = ["car", "home", "education", "business"])] public string Purpose { get; init; } = "";
        [Label(ClassNames = ["repaid", "defaulted"])] public string Outcome { get; init; } = "";
        [Ignore] public string Note { get; init; } = "";
    }

    [HyperParameters]
    public partial record LoanConfig : TrainingHyperParameters
    {
        /// <summary>Units in each of the two hidden layers.</summary>
        [Range(1, 4096)] public int Hidden { get; init; } = 32;

        /// <summary>Share of hidden units dropped in each training step.</summary>
        [Range(0.0, 0.9)] public double Dropout { get; init; } = 0.1;

        public override int Epochs { get; init; } = 12;
        public override int BatchSize { get; init; } = 64;
        public override double LearningRate { get; init; } = 3e-3;
    }

    /// <summary>Ten standardised features in (six numbers and bools, four one-hot purposes), two class scores out; a different width is a build error (SCULPT0012).</summary>
    [Model(typeof(LoanConfig), Exportable = true)]
    public partial class LoanNet
    {
        [Linear(10, "Hidden")] private partial Tensor Hidden1(Tensor x);
        [Linear("Hidden", "Hidden")] private partial Tensor Hidden2(Tensor x);
        [Dropout("Dropout")] private partial Tensor Drop(Tensor x);
        [Linear("Hidden", 2)] private partial Tensor Classify(Tensor x);

        [Forward("B 10 -> B 2")]
        public Tensor Forward(Tensor loan) => Classify(Drop(Ops.Relu(Hidden2(Ops.Relu(Hidden1(loan))))));
    }

    [Trainer(Loss.CrossEntropy, Optimizer.AdamW)]
    public partial class LoanTrainer : Trainer<LoanNet, Loan, LoanConfig>;
}
