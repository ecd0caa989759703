using System.IO;
using System.Linq;
using Sculpt.Training;
using Xunit;

namespace SculptTabular.Tests;

public class TrainingTests
{
    [Fact]
    public void Training_lowers_the_loss_and_beats_guessing_on_the_test_split()
    {
        CustomerFile.WriteIfMissing();
        var data = new Customer().Load(42);
        using var trainer = new ChurnTrainer(new ChurnConfig { Epochs = 4 });
        var result = trainer.Fit(data.Train, data.Validation, SilentProgress.Instance);
        Assert.True(result.Epochs[^1].TrainLoss < result.Epochs[0].TrainLoss);
        Assert.True(trainer.Evaluate(data.Test!).Accuracy > 0.8);
    }

    [Fact]
    public void A_hyperparameter_that_breaks_a_range_is_refused_before_training()
    {
        Assert.NotEmpty(new ChurnConfig { Hidden = 0 }.ValidationErrors());
    }

    [Fact]
    public void The_trained_model_predicts_new_customers_from_its_run_folder()
    {
        CustomerFile.WriteIfMissing();
        string run = Path.Combine(Path.GetTempPath(), "churn-" + System.Guid.NewGuid().ToString("N"));
        try
        {
            Assert.Equal(ExitCodes.Success, ChurnTrainer.Run(["--epochs", "2", "--output", run]));
            using var predictor = ChurnTrainer.LoadPredictor(run);
            var loyal = predictor.Predict(new Customer { TenureMonths = 70, MonthlySpend = 30, SupportCalls = 0, HasContract = true, Plan = "pro" });
            Assert.Equal("stays", loyal.ClassOf(0));
            Assert.Equal(1.0, loyal.Outputs[0].Sum(), 4);
        }
        finally
        {
            if (Directory.Exists(run)) Directory.Delete(run, recursive: true);
        }
    }
}
