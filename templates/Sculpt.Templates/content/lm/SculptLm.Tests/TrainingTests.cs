using System;
using Sculpt.Training;
using Xunit;

namespace SculptLm.Tests;

public class TrainingTests
{
    [Fact]
    public void Training_brings_the_perplexity_far_below_guessing_among_97_characters()
    {
        StoryText.WriteIfMissing();
        var data = new Stories().Load(42);
        using var trainer = new StoryTrainer(new StoryConfig { Epochs = 2 });
        var result = trainer.Fit(data.Train, data.Validation, SilentProgress.Instance);
        Assert.True(Math.Exp(result.Final.Validation.Loss) < 6, $"perplexity {Math.Exp(result.Final.Validation.Loss):F2}");
    }

    [Fact]
    public void Heads_that_do_not_divide_the_width_are_refused_before_training()
    {
        var problem = Assert.ThrowsAny<Exception>(() => new StoryTrainer(new StoryConfig { Dim = 64, Heads = 5 }));
        Assert.Contains("Attention", problem.Message);
    }
}
