using Sculpt.Training;
using Xunit;

namespace SculptClassifier.Tests;

public class TrainingTests
{
    [Fact]
    public void Training_lowers_the_loss_and_tells_the_shapes_apart()
    {
        ShapeImages.WriteIfMissing();
        var data = new Shapes().Load(42);
        Assert.Equal(["circle", "square", "triangle"], data.ClassNames!);
        using var trainer = new ShapeTrainer(new ShapeConfig { Epochs = 8 });
        var result = trainer.Fit(data.Train, data.Validation, SilentProgress.Instance);
        Assert.True(result.Epochs[^1].TrainLoss < result.Epochs[0].TrainLoss);
        Assert.True(result.Final.Validation.Accuracy > 0.8);
    }

    [Fact]
    public void A_width_that_breaks_the_model_is_refused_before_training()
    {
        Assert.NotEmpty(new ShapeConfig { Filters = 0 }.ValidationErrors());
    }
}
