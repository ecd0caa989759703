using System;
using System.Collections.Generic;
using System.IO;
using Sculpt.HyperParameters;
using Sculpt.Models;
using Sculpt.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Sculpt.Tests;

/// <summary>
/// The generated <c>ShapeErrors(config)</c> against the real thing: over a sweep of hyperparameters,
/// every config it accepts runs a forward pass and every config it refuses fails one.
/// </summary>
public class ShapeCheckTests
{
    public static TheoryData<string> Models => new() { "TwoWidths", "ConvToFlat", "BlockFed", "ExpressionWidths" };

    [Theory]
    [MemberData(nameof(Models))]
    public void A_config_the_check_accepts_runs_and_one_it_refuses_fails(string name)
    {
        int accepted = 0, refused = 0;
        foreach (int hidden in new[] { 4, 8, 16 })
        foreach (int hidden2 in new[] { 4, 16 })
        foreach (int channels in new[] { 2, 4 })
        foreach (int flat in new[] { 8, 16 })
        {
            var config = new WidthsConfig { Hidden = hidden, Hidden2 = hidden2, Channels = channels, Flat = flat };
            var (errors, build) = Of(name, config);
            using var model = build();
            bool ran;
            try
            {
                using var _ = model.call(randn(2, 3, 2, 2));
                ran = true;
            }
            catch (Exception problem) when (problem is ArgumentException or System.Runtime.InteropServices.ExternalException or ShapeMismatchException)
            {
                ran = false;
            }
            Assert.True(ran == (errors.Count == 0), $"{name} with {config.ToJson()}: ran {ran}, check said {string.Join("; ", errors)}");
            if (ran) accepted++;
            else refused++;
        }
        Assert.True(accepted > 0 && refused > 0, $"the sweep of {name} needs both outcomes: {accepted} accepted, {refused} refused");
    }

    private static (IReadOnlyList<string> Errors, Func<nn.Module<Tensor, Tensor>> Build) Of(string name, WidthsConfig config) => name switch
    {
        "TwoWidths" => (TwoWidths.ShapeErrors(config), () => new TwoWidths(config)),
        "ConvToFlat" => (ConvToFlat.ShapeErrors(config), () => new ConvToFlat(config)),
        "ExpressionWidths" => (ExpressionWidths.ShapeErrors(config), () => new ExpressionWidths(config)),
        _ => (BlockFed.ShapeErrors(config), () => new BlockFed(config)),
    };

    [Fact]
    public void A_size_computed_from_other_hyperparameters_follows_them()
    {
        using var model = new ComputedWidths(new ComputedConfig { Dim = 6 });
        using var output = model.call(randn(2, 3, 2, 2));
        Assert.Equal([2L, 3L], output.shape);
        // Up is 6 -> 24 with its bias, Down 24 -> 6 with its bias.
        Assert.Equal(12 * 6 + 6 + 6 * 24 + 24 + 24 * 6 + 6 + 6 * 3 + 3, model.ParameterCount);
        Assert.Empty(ComputedWidths.ShapeErrors(new ComputedConfig { Dim = 6 }));
    }

    [Fact]
    public void Sizes_written_as_arithmetic_build_count_and_check()
    {
        using var model = new ExpressionWidths(new WidthsConfig { Hidden = 4, Hidden2 = 4 });
        using var output = model.call(randn(2, 3, 2, 2));
        Assert.Equal([2L, 3L], output.shape);
        Assert.Equal(12 * 4 + 4 + 12 * 4 + 4 + 4 * 4 + 4 + 12 * 3 + 3, model.ParameterCount);
        Assert.Equal(
            "'Classify' expects [*batch, 3*Hidden] but receives [B, 2*Hidden+Hidden2]: the last dim is 2*Hidden+Hidden2 = 24, not 3*Hidden = 12; it comes from 'Ops.Concat' ([B, Hidden], [B, Hidden], [B, Hidden2] -> [B, 2*Hidden+Hidden2])",
            Assert.Single(ExpressionWidths.ShapeErrors(new WidthsConfig { Hidden = 4, Hidden2 = 16 })));
    }

    [Fact]
    public void The_message_names_each_size_with_its_value_and_where_it_comes_from()
    {
        var errors = TwoWidths.ShapeErrors(new WidthsConfig { Hidden = 16, Hidden2 = 10 });
        Assert.Equal(
            ["'Classify' expects [*batch, Hidden2] but receives [B, Hidden]: the last dim is Hidden = 16, not Hidden2 = 10; it comes from 'Encode' (Linear 12 -> Hidden)"],
            errors);
        Assert.Equal(
            ["'Classify' expects [*batch, Flat] but receives [B, 4*Channels]: the last dim is 4*Channels = 12, not Flat = 16; it comes from 'Ops.Flatten' ([B, Channels, 2, 2] -> [B, 4*Channels])"],
            ConvToFlat.ShapeErrors(new WidthsConfig { Channels = 3 }));
        Assert.Empty(TwoWidths.ShapeErrors(new WidthsConfig()));
    }

    [Fact]
    public void A_trainer_refuses_a_config_that_breaks_the_shapes_before_building_the_model()
    {
        var problem = Assert.Throws<HyperParameterException>(() => new TwoWidthsTrainer(new WidthsConfig { Hidden2 = 10 }));
        Assert.StartsWith("TwoWidths cannot run with these hyperparameters: 'Classify' expects [*batch, Hidden2] but receives [B, Hidden]", problem.Message);

        // On the command line: a usage error (2) naming the sizes, before any training.
        var output = new StringWriter();
        var error = new StringWriter();
        int code = TrainerCommandLine.Run<TwoWidthsTrainer, TwoWidths, Blobs, WidthsConfig>(
            "TwoWidthsTrainer", ["--hidden2", "10", "--output", Path.Combine(Path.GetTempPath(), $"sculpt-{Guid.NewGuid():N}")],
            static (c, d) => new TwoWidthsTrainer(c, d), output, error);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.StartsWith("error: TwoWidths cannot run with these hyperparameters: 'Classify' expects [*batch, Hidden2] but receives [B, Hidden]: the last dim is Hidden = 16, not Hidden2 = 10", error.ToString());
    }
}
