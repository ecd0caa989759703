using System.IO;
using System.Linq;
using Sculpt.HyperParameters;
using Xunit;

namespace Sculpt.Tests;

public class HyperParameterTests
{
    [Fact]
    public void Flags_bind_every_property_type_including_inherited_ones()
    {
        var config = MlpConfig.Parse("--hidden", "512", "--dropout=0.5", "--learning-rate", "3e-4", "--use-bias", "false",
            "--run-name", "wide", "--activation", "gelu", "--epochs", "7", "--batch-size=16");
        Assert.Equal(new MlpConfig
        {
            Hidden = 512, Dropout = 0.5, LearningRate = 3e-4, UseBias = false, RunName = "wide",
            Activation = Activation.Gelu, Epochs = 7, BatchSize = 16,
        }, config);
    }

    [Fact]
    public void A_bare_boolean_flag_means_true()
    {
        var config = MlpConfig.Bind(new MlpConfig { UseBias = false }, ["--use-bias", "--hidden", "3"]);
        Assert.True(config.UseBias);
        Assert.Equal(3, config.Hidden);
    }

    [Theory]
    [InlineData(new[] { "--hidden", "abc" }, "Option '--hidden' expects an integer; got 'abc'.")]
    [InlineData(new[] { "--hidden" }, "Option '--hidden' expects an integer but no value was given.")]
    [InlineData(new[] { "--learning-rate", "1,5" }, "Option '--learning-rate' expects a finite number; got '1,5'.")]
    [InlineData(new[] { "--use-bias=maybe" }, "Option '--use-bias' expects true or false; got 'maybe'.")]
    [InlineData(new[] { "--activation", "swish" }, "Option '--activation' expects one of Relu, Gelu; got 'swish'.")]
    [InlineData(new[] { "--hiden", "3" }, "Unknown option '--hiden'. Did you mean '--hidden'? Run with --help to list the options.")]
    [InlineData(new[] { "--colour", "3" }, "Unknown option '--colour'. Run with --help to list the options.")]
    [InlineData(new[] { "512" }, "Unexpected argument '512': options look like --name value. Run with --help to list them.")]
    public void A_bad_flag_gives_an_error_naming_it(string[] args, string message)
    {
        var error = Assert.Throws<HyperParameterException>(() => MlpConfig.Parse(args));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Validation_names_each_flag_outside_its_range()
    {
        var config = MlpConfig.Parse("--dropout", "1.5", "--hidden", "0");
        Assert.Equal(
            new[] { "Option '--hidden' must be in [1, 4096]; got 0.", "Option '--dropout' must be in [0, 0.9]; got 1.5." },
            config.ValidationErrors());
        var error = Assert.Throws<HyperParameterException>(config.Validate);
        Assert.StartsWith("Invalid MlpConfig: Option '--hidden' must be in [1, 4096]", error.Message);
        Assert.Empty(new MlpConfig().ValidationErrors());
    }

    [Fact]
    public void Help_lists_every_option_with_what_it_takes_its_description_default_and_range()
    {
        string help = HelpText.Format(MlpConfig.Options);
        var lines = help.Split('\n');
        // What an option takes, then its description in one column (two spaces past the longest option text).
        Assert.Contains("  --hidden int                 Width of the hidden layer (default 32, in [1, 4096])", lines);
        Assert.Contains("  --dropout double             Probability that Mlp zeroes a hidden unit during training (default 0.1, in [0, 0.9])", lines);
        Assert.Contains("  --use-bias [true|false]      Whether the layers have biases (default true)", lines);
        Assert.Contains("  --run-name string            (default \"mlp\")", lines);
        Assert.Contains("  --activation Relu|Gelu       The nonlinearity between layers (default Relu)", lines);
        // Inherited options keep TrainingHyperParameters' descriptions, with the record's own defaults.
        Assert.Contains("  --epochs int                 Passes over the training data (default 3, in [1, 1000000])", lines);
        Assert.Contains("  --learning-rate double       The optimizer's step size; under a schedule, the rate it starts from or peaks at (default 0.001, in [0, 10])", lines);
        Assert.Contains("  --clip-grad-norm double      The largest global L2 norm of the gradients before a step; 0 turns clipping off (default 0, in [0, 1000000])", lines);
        // An option text too long for the column puts its description on the next line, in the column.
        int schedule = System.Array.IndexOf(lines, "  --schedule Constant|WarmupCosine|Step|OneCycle|Plateau");
        Assert.True(schedule >= 0, help);
        Assert.Equal("                               How the learning rate moves over the run (default Constant)", lines[schedule + 1]);
        Assert.Equal(
            new[]
            {
                "--epochs", "--batch-size", "--learning-rate", "--weight-decay", "--momentum", "--clip-grad-norm", "--accumulate-batches", "--l1", "--early-stopping", "--restore-best", "--schedule", "--warmup-steps",
                "--min-learning-rate", "--decay-factor", "--decay-every", "--patience", "--precision", "--seed", "--init-from", "--fresh", "--freeze", "--learning-rates",
                "--weight-decays", "--lora", "--lora-rank", "--lora-alpha", "--unfreeze-at", "--hidden", "--dropout", "--use-bias", "--run-name", "--activation",
            },
            MlpConfig.Options.Select(o => o.Flag));
        // Every option but the undocumented --run-name says what it does.
        Assert.All(MlpConfig.Options.Where(o => o.Flag != "--run-name"), o => Assert.Matches("^[A-Z][^.]+", o.Description));
        Assert.Equal(["Constant", "WarmupCosine", "Step", "OneCycle", "Plateau"], MlpConfig.Options.Single(o => o.Flag == "--schedule").Values!);
        Assert.Null(MlpConfig.Options.Single(o => o.Flag == "--hidden").Values);
    }

    [Fact]
    public void Json_round_trips_every_value()
    {
        var config = new MlpConfig { Hidden = 77, Dropout = 0.123456789, LearningRate = 1e-7, UseBias = false, RunName = "a \"quoted\" name", Activation = Activation.Gelu };
        string json = config.ToJson();
        Assert.Contains("\"learningRate\": 1E-07", json);
        Assert.Equal(config, MlpConfig.FromJson(json, "config.json"));
    }

    [Fact]
    public void Json_save_and_load_go_through_a_file()
    {
        string path = Path.Combine(Path.GetTempPath(), $"sculpt-config-{System.Guid.NewGuid():N}.json");
        try
        {
            var config = new MlpConfig { Hidden = 5 };
            config.Save(path);
            Assert.Equal(config, MlpConfig.Load(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("{ \"hidden\": \"wide\" }", "run.json: 'hidden' must be an integer; got \"wide\".")]
    [InlineData("{ \"hiden\": 3 }", "run.json: unknown hyperparameter 'hiden'. Did you mean 'hidden'?")]
    [InlineData("[1, 2]", "run.json: expected a JSON object of hyperparameters.")]
    [InlineData("{\n  \"hidden\": 3,\n  \"dropout\": ,\n}", "run.json:3:14: invalid JSON:")]
    public void Bad_json_gives_an_error_naming_the_file(string json, string message)
    {
        var error = Assert.Throws<HyperParameterException>(() => MlpConfig.FromJson(json, "run.json"));
        Assert.StartsWith(message, error.Message);
    }
}
