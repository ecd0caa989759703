using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Tensor = TorchSharp.torch.Tensor;
using Sculpt.Export;
using Sculpt.Training;
using Xunit;
using static TorchSharp.torch;

namespace Sculpt.Tests;

/// <summary>A Fashion-MNIST-sized CNN with batch norm after each convolution: exported in evaluation mode.</summary>
[Model]
public partial class BatchNormCnn
{
    [Conv2d(1, 8, 3, Padding = 1)] private partial Tensor Conv1(Tensor x);
    [BatchNorm2d(8)] private partial Tensor Norm1(Tensor x);
    [Conv2d(8, 16, 3, Padding = 1, Bias = false)] private partial Tensor Conv2(Tensor x);
    [BatchNorm2d(16)] private partial Tensor Norm2(Tensor x);
    [MaxPool2d(2)] private partial Tensor Pool(Tensor x);
    [AvgPool2d(2)] private partial Tensor Average(Tensor x);
    [Dropout(0.3)] private partial Tensor Drop(Tensor x);
    [Linear(16 * 7 * 7, 10)] private partial Tensor Classify(Tensor x);

    [Forward("B 1 28 28 -> B 10")]
    public Tensor Forward(Tensor image)
    {
        var x = Pool(Ops.Relu(Norm1(Conv1(image))));
        x = Average(Ops.Gelu(Norm2(Conv2(x))));
        return Classify(Drop(Ops.Flatten(x)));
    }
}

/// <summary>A bidirectional two-layer GRU read through its tuple's members: the last layer's states and the mean output.</summary>
[Model(typeof(SequenceConfig))]
public partial class GruSummarizer
{
    [Gru("Embedding", "Hidden", Layers = 2, Bidirectional = true)] private partial (Tensor Output, Tensor Hidden) Encode(Tensor x);
    [Linear(48, 3)] private partial Tensor Tag(Tensor x);

    [Forward("B T Embedding -> B 3")]
    public Tensor Forward(Tensor x)
    {
        var encoded = Encode(x);
        return Tag(Ops.Concat(1, Ops.Select(encoded.Hidden, 0, -2), Ops.Select(encoded.Hidden, 0, -1)) + Ops.Mean(encoded.Output, 1));
    }
}

/// <summary>Two recurrent layers in a row: each exports its own rearranged weights.</summary>
[Model(typeof(SequenceConfig))]
public partial class StackedRecurrent
{
    [Lstm("Embedding", "Hidden")] private partial Tensor First(Tensor x);
    [Gru("Hidden", "Hidden", Layers = 2)] private partial Tensor Second(Tensor x);
    [Lstm("Hidden", 8, Bidirectional = true)] private partial Tensor Third(Tensor x);

    [Forward("B T Embedding -> B T 16")]
    public Tensor Forward(Tensor x) => Third(Second(First(x)));
}

/// <summary>RMSNorm over tokens of a sequence, with a learned scale moved away from ones, then a head.</summary>
[Model]
public partial class RmsScorer
{
    [RMSNorm(4, Eps = 0.01)] private partial Tensor Norm(Tensor x);
    [Linear(4, 1)] private partial Tensor Score(Tensor x);

    [Forward("B T 4 -> B T 1")]
    public Tensor Forward(Tensor x) => Score(Norm(x));
}

/// <summary>A layer without an ONNX form (AlphaDropout), for the refusal.</summary>
[Model]
public partial class AlphaScorer
{
    [AlphaDropout(0.1)] private partial Tensor Drop(Tensor x);
    [Linear(4, 1)] private partial Tensor Score(Tensor x);

    [Forward("B 4 -> B 1")]
    public Tensor Forward(Tensor x) => Score(Drop(x));
}

/// <summary>
/// Exported models run by ONNX Runtime give Sculpt's own evaluation outputs: the graph is the forward body, the
/// initializers are the weights, and the declared symbolic dims are the file's dynamic axes.
/// </summary>
public class OnnxExportTests
{
    [Fact]
    public void An_mlp_with_dropout_exports_and_onnx_runtime_gives_its_outputs_at_two_batch_sizes()
    {
        using var model = new Mlp(new MlpConfig { Hidden = 16, Dropout = 0.5 });
        AssertSameOutputs(model, batch => [randn(batch, 3, 2, 2)], [1, 5]);
    }

    [Fact]
    public void LeNet5_exports_and_onnx_runtime_gives_its_outputs()
    {
        using var model = new LeNet5();
        AssertSameOutputs(model, batch => [randn(batch, 1, 32, 32)], [1, 4]);
    }

    [Fact]
    public void A_cnn_exports_with_batch_norm_in_evaluation_mode_using_its_running_statistics()
    {
        using var model = new BatchNormCnn();
        // Training steps move the running statistics away from 0 and 1, so the export must carry them.
        model.train();
        using (no_grad())
        {
            for (int i = 0; i < 3; i++) model.call(randn(8, 1, 28, 28) * 2 + 1).Dispose();
        }
        AssertSameOutputs(model, batch => [randn(batch, 1, 28, 28)], [1, 3]);
    }

    [Fact]
    public void A_causal_gpt_with_repeated_blocks_exports_with_batch_and_time_as_dynamic_axes()
    {
        using var model = new TinyGptModel(new GptConfig());
        AssertSameOutputs(model, batch => [randint(0, 50, new long[] { batch, batch == 1 ? 5 : 9 })], [1, 3]);

        var graph = Onnx.ModelProto.Parser.ParseFrom(OnnxExport.ToBytes(model)).Graph;
        var input = graph.Input.Single().Type.TensorType;
        Assert.Equal(["B", "T"], input.Shape.Dim.Select(d => d.DimParam));
        Assert.Equal((int)Onnx.TensorProto.Types.DataType.Int64, input.ElemType);
        Assert.Equal(["B", "T", ""], graph.Output.Single().Type.TensorType.Shape.Dim.Select(d => d.DimParam));
        Assert.Equal(50, graph.Output.Single().Type.TensorType.Shape.Dim[2].DimValue);
    }

    [Fact]
    public void A_bidirectional_two_layer_lstm_classifier_exports_with_its_states_and_time_as_a_dynamic_axis()
    {
        using var model = new LstmClassifier(new SequenceConfig());
        AssertSameOutputs(model, batch => [randint(0, 12, new long[] { batch, batch == 1 ? 4 : 10 })], [1, 3]);
    }

    [Fact]
    public void A_bidirectional_two_layer_gru_exports_with_the_reset_gate_where_pytorch_applies_it()
    {
        using var model = new GruSummarizer(new SequenceConfig());
        AssertSameOutputs(model, batch => [randn(batch, batch == 1 ? 3 : 8, 16)], [1, 4]);
    }

    [Fact]
    public void An_rms_norm_exports_as_its_definition_with_its_scale_and_eps()
    {
        using var model = new RmsScorer();
        using (no_grad())
        {
            foreach (var (name, parameter) in model.named_parameters()) if (name.EndsWith("weight")) parameter.copy_(randn(parameter.shape) + 1);
        }
        AssertSameOutputs(model, batch => [randn(batch, batch == 1 ? 2 : 5, 4) * 3], [1, 3]);
    }

    [Fact]
    public void Recurrent_layers_in_a_row_each_export_their_own_weights()
    {
        using var model = new StackedRecurrent(new SequenceConfig());
        AssertSameOutputs(model, batch => [randn(batch, 6, 16)], [2, 3]);
    }

    [Fact]
    public void A_model_with_a_layer_that_has_no_onnx_form_is_refused_naming_the_layer_before_anything_is_written()
    {
        using var model = new AlphaScorer();
        Assert.Equal("AlphaScorer has no ONNX form: 'Drop' is an AlphaDropout layer, which has no ONNX form yet.", ((IOnnxExportable)model).OnnxProblem);
        string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sculpt-" + Guid.NewGuid().ToString("N") + ".onnx");
        var refused = Assert.Throws<NotSupportedException>(() => OnnxExport.Save(model, path));
        Assert.Contains("'Drop' is an AlphaDropout layer", refused.Message);
        Assert.False(System.IO.File.Exists(path));
    }

    [Fact]
    public void The_command_line_exports_a_trained_run_and_refuses_a_missing_run_with_a_usage_line()
    {
        string root = System.IO.Directory.CreateTempSubdirectory("sculpt-onnx-").FullName;
        try
        {
            string run = System.IO.Path.Combine(root, "run"), file = System.IO.Path.Combine(root, "model.onnx");
            var output = new System.IO.StringWriter();
            var error = new System.IO.StringWriter();
            Assert.Equal(ExitCodes.Success, Blobs(["--epochs", "1", "--output", run], output, error));
            Assert.Equal(ExitCodes.Success, Blobs(["export", "--onnx", file, "--run", run], output, error));
            Assert.Contains($"exported the model of {run} to {file} (ONNX, opset 17)", output.ToString());

            // The file is the trained model: ONNX Runtime on it gives what the run folder's model gives.
            var (model, _) = Sculpt.Prediction.TrainedModel.Load<Mlp, MlpConfig>(run);
            using (model)
            {
                using var session = new InferenceSession(file);
                using var points = randn(4, 3, 2, 2);
                using var expected = Forward(model, [points]);
                using var results = session.Run([NamedOnnxValue.CreateFromTensor("points", new DenseTensor<float>(points.data<float>().ToArray(), [4, 3, 2, 2]))]);
                float[] got = results.Single().AsTensor<float>().ToArray(), want = expected.data<float>().ToArray();
                for (int i = 0; i < want.Length; i++) Assert.True(Math.Abs(want[i] - got[i]) <= 1e-4 * Math.Abs(want[i]) + 1e-5, $"element {i}: {want[i]} vs {got[i]}");
            }

            var missing = new System.IO.StringWriter();
            Assert.Equal(ExitCodes.Usage, Blobs(["export", "--run", run], output, missing));
            Assert.Equal("error: export: name the file to write with --onnx FILE.", missing.ToString().Trim());
        }
        finally
        {
            System.IO.Directory.Delete(root, recursive: true);
        }
    }

    private static int Blobs(string[] args, System.IO.TextWriter output, System.IO.TextWriter error) =>
        Sculpt.Training.TrainerCommandLine.Run<BlobTrainer, Mlp, Sculpt.Tests.Blobs, MlpConfig>(
            "BlobTrainer", args, static (config, device) => new BlobTrainer(config, device), output, error);

    /// <summary>ONNX Runtime's outputs on the exported file equal the model's evaluation forward within 1e-4 relative, at each batch size.</summary>
    private static void AssertSameOutputs(nn.Module module, Func<int, Tensor[]> inputs, int[] batches)
    {
        var model = (IOnnxExportable)module;
        manual_seed(5);
        module.eval();
        byte[] file = OnnxExport.ToBytes(model);
        using var session = new InferenceSession(file);
        foreach (int batch in batches)
        {
            var tensors = inputs(batch);
            using var expected = Forward(module, tensors);
            var feeds = model.OnnxInputs.Select((input, i) => tensors[i].dtype == ScalarType.Int64
                ? NamedOnnxValue.CreateFromTensor(input.Name, new DenseTensor<long>(tensors[i].data<long>().ToArray(), tensors[i].shape.Select(d => (int)d).ToArray()))
                : NamedOnnxValue.CreateFromTensor(input.Name, new DenseTensor<float>(tensors[i].data<float>().ToArray(), tensors[i].shape.Select(d => (int)d).ToArray()))).ToList();
            using var results = session.Run(feeds);
            var output = results.Single().AsTensor<float>();
            Assert.Equal(expected.shape, output.Dimensions.ToArray().Select(d => (long)d).ToArray());
            float[] want = expected.data<float>().ToArray(), got = output.ToArray();
            for (int i = 0; i < want.Length; i++)
            {
                Assert.True(Math.Abs(want[i] - got[i]) <= 1e-4 * Math.Abs(want[i]) + 1e-5,
                    $"batch {batch}, element {i}: Sculpt {want[i]}, ONNX Runtime {got[i]}");
            }
            foreach (var tensor in tensors) tensor.Dispose();
        }
    }

    private static Tensor Forward(nn.Module module, Tensor[] inputs)
    {
        using var _ = no_grad();
        return module switch
        {
            nn.Module<Tensor, Tensor> one => one.call(inputs[0]),
            _ => throw new ArgumentException("one input expected"),
        };
    }
}
