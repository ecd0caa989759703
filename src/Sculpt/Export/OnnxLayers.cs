using System;
using System.Linq;
using Sculpt.Layers;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Sculpt.Export;

/// <summary>
/// A layer's module as ONNX nodes, in evaluation mode (dropout passes through, batch norm uses its running
/// statistics), reading the module's own weights and settings. The generated <c>OnnxForward</c> calls this for
/// each layer method; the generator writes such a call only for the layer kinds handled here (<c>OnnxSupport</c>).
/// </summary>
public static class OnnxLayers
{
    /// <summary>The nodes of <paramref name="module"/> applied to <paramref name="x"/>; <paramref name="name"/> names its weights (its state-dict prefix).</summary>
    public static OnnxValue Apply(OnnxValue x, nn.Module module, string name) => module switch
    {
        Linear linear => Dense(x, linear, name),
        Conv1d or Conv2d => Convolution(x, (Convolution)module, name),
        BatchNorm1d or BatchNorm2d => BatchNorm(x, (NormBase)module, name),
        LayerNorm norm => x.Graph.Node("LayerNormalization", [x, x.Graph.Weight(norm.weight!, name + ".weight"), x.Graph.Weight(norm.bias!, name + ".bias")], x.Rank,
            [OnnxGraph.Int("axis", -1), OnnxGraph.Float("epsilon", (float)norm.eps)]),
        RMSNorm norm => RootMeanSquare(x, norm, name),
        Embedding embedding => Lookup(x, embedding, name),
        TorchSharp.Modules.Dropout or Dropout1d or Dropout2d or Identity => x,
        Layers.MaxPool2d pool => Pool("MaxPool", x, pool),
        Layers.AvgPool2d pool => Pool("AveragePool", x, pool),
        SelfAttention attention => Attention(x, attention, name),
        LSTM lstm => Lstm(x, lstm, name).Output,
        GRU gru => Gru(x, gru, name).Output,
        ReLU => OnnxOps.Relu(x),
        GELU { approximate: GELU.Approximate.none } => OnnxOps.Gelu(x),
        Tanh => OnnxOps.Tanh(x),
        Sigmoid => OnnxOps.Sigmoid(x),
        SiLU => OnnxOps.Silu(x),
        _ => throw new NotSupportedException($"'{name}' ({module.GetType().Name}) has no ONNX form."),
    };

    /// <summary>x W^T + b as MatMul and Add, which take any leading dims (Gemm takes two).</summary>
    private static OnnxValue Dense(OnnxValue x, Linear linear, string name)
    {
        var product = x.Graph.Node("MatMul", [x, x.Graph.Weight(linear.weight!, name + ".weight", transposed: true)], x.Rank);
        return linear.bias is null ? product : product + x.Graph.Weight(linear.bias, name + ".bias");
    }

    private static OnnxValue Convolution(OnnxValue x, Convolution conv, string name)
    {
        if (conv.padding_type is not null || conv.padding_mode != TorchSharp.PaddingModes.Zeros)
            throw new NotSupportedException($"'{name}': ONNX export takes convolutions with explicit zero padding.");
        OnnxValue[] inputs = conv.bias is null
            ? [x, x.Graph.Weight(conv.weight!, name + ".weight")]
            : [x, x.Graph.Weight(conv.weight!, name + ".weight"), x.Graph.Weight(conv.bias, name + ".bias")];
        int spatial = conv.kernel_size.Length;
        return x.Graph.Node("Conv", inputs, x.Rank,
        [
            OnnxGraph.Ints("kernel_shape", conv.kernel_size),
            OnnxGraph.Ints("strides", Each(conv.stride, spatial)),
            OnnxGraph.Ints("pads", [.. Each(conv.padding ?? [0], spatial), .. Each(conv.padding ?? [0], spatial)]),
            OnnxGraph.Ints("dilations", Each(conv.dilation, spatial)),
            OnnxGraph.Int("group", conv.groups),
        ]);
    }

    private static OnnxValue BatchNorm(OnnxValue x, NormBase norm, string name)
    {
        if (norm.running_mean is null || norm.running_var is null || norm.weight is null || norm.bias is null)
            throw new NotSupportedException($"'{name}': ONNX export takes batch norms with running statistics and an affine transform.");
        var graph = x.Graph;
        return graph.Node("BatchNormalization",
            [x, graph.Weight(norm.weight, name + ".weight"), graph.Weight(norm.bias, name + ".bias"), graph.Weight(norm.running_mean, name + ".running_mean"), graph.Weight(norm.running_var, name + ".running_var")],
            x.Rank, [OnnxGraph.Float("epsilon", (float)norm.eps)]);
    }

    /// <summary>x / sqrt(mean(x^2) + eps) * weight over the last dim, as the layer computes it (opset 17 has no RMS node).</summary>
    private static OnnxValue RootMeanSquare(OnnxValue x, RMSNorm norm, string name)
    {
        var meanSquare = OnnxOps.Mean(x * x, -1, keepDim: true) + norm.Eps;
        var scale = x.Graph.Node("Reciprocal", [x.Graph.Node("Sqrt", [meanSquare], meanSquare.Rank)], meanSquare.Rank);
        return x * scale * x.Graph.Weight(norm.Weight, name + ".weight");
    }

    private static OnnxValue Lookup(OnnxValue indices, Embedding embedding, string name)
    {
        indices.Graph.HoldsIndices(indices);
        return indices.Graph.Node("Gather", [indices.Graph.Weight(embedding.weight!, name + ".weight"), indices], indices.Rank + 1, [OnnxGraph.Int("axis", 0)]);
    }

    private static OnnxValue Pool(string op, OnnxValue x, PoolingLayer pool)
    {
        int spatial = x.Rank - 2;
        var attributes = new System.Collections.Generic.List<Onnx.AttributeProto>
        {
            OnnxGraph.Ints("kernel_shape", Each(pool.Kernels, spatial)),
            OnnxGraph.Ints("strides", Each(pool.Strides, spatial)),
            OnnxGraph.Ints("pads", [.. Each(pool.Paddings, spatial), .. Each(pool.Paddings, spatial)]),
            OnnxGraph.Int("ceil_mode", pool.CeilMode ? 1 : 0),
        };
        // PyTorch's average counts the zero padding in each window's size (count_include_pad=True).
        if (op == "AveragePool") attributes.Add(OnnxGraph.Int("count_include_pad", 1));
        return x.Graph.Node(op, [x], x.Rank, attributes);
    }

    /// <summary>
    /// Multi-head attention written out (opset 17 has no attention node): one projection to queries, keys and
    /// values, split by head, softmax(q k^T / sqrt(d)) v with the future hidden when causal, heads merged, projected.
    /// </summary>
    private static OnnxValue Attention(OnnxValue x, SelfAttention attention, string name)
    {
        var (qkv, proj, heads, causal) = attention.Parts;
        var graph = x.Graph;
        long dim = qkv.in_features, headDim = dim / heads;
        var projected = Dense(x, qkv, name + ".Qkv");
        // [B, T, 3*D] -> [B, T, 3, H, D/H] -> [3, B, H, T, D/H], as the module's own view and permute.
        var split = OnnxOps.Permute(OnnxOps.Reshape(projected, 0, 0, 3, heads, headDim), 2, 0, 3, 1, 4);
        OnnxValue Part(long index) => graph.Node("Gather", [split, graph.Integers([index], scalar: true)], 4, [OnnxGraph.Int("axis", 0)]);
        var (queries, keys, values) = (Part(0), Part(1), Part(2));
        var scores = OnnxOps.MatMul(queries, OnnxOps.Permute(keys, 0, 1, 3, 2)) * (1 / Math.Sqrt(headDim));
        if (causal)
        {
            // Ones of [T, T] (T from the input), lower triangle kept: where it is zero the score is -inf.
            var shape = graph.Node("Shape", [x], 1);
            var time = graph.Node("Slice", [shape, graph.Integers([1]), graph.Integers([2])], 1);
            var square = graph.Node("Concat", [time, time], 1, [OnnxGraph.Int("axis", 0)]);
            var ones = graph.Node("ConstantOfShape", [square], 2, [new Onnx.AttributeProto
            {
                Name = "value", Type = Onnx.AttributeProto.Types.AttributeType.Tensor,
                T = new Onnx.TensorProto { DataType = (int)Onnx.TensorProto.Types.DataType.Bool, Dims = { 1 }, RawData = Google.Protobuf.ByteString.CopyFrom([1]) },
            }]);
            var visible = graph.Node("Trilu", [ones], 2, [OnnxGraph.Int("upper", 0)]);
            scores = graph.Node("Where", [visible, scores, graph.Constant([float.NegativeInfinity])], 4);
        }
        var attended = OnnxOps.MatMul(OnnxOps.Softmax(scores, -1), values);
        var merged = OnnxOps.Reshape(OnnxOps.Permute(attended, 0, 2, 1, 3), 0, 0, dim);
        return Dense(merged, proj, name + ".Proj");
    }

    /// <summary>
    /// A batch-first LSTM of any depth and direction: the output of its last layer, and the final hidden and cell
    /// states of every layer and direction, <c>[layers*directions, B, H]</c> as PyTorch orders them.
    /// </summary>
    public static (OnnxValue Output, OnnxValue Hidden, OnnxValue Cell) Lstm(OnnxValue x, LSTM lstm, string name)
    {
        // PyTorch's gates (input, forget, cell, output) in ONNX's order (input, output, forget, cell).
        var (output, states) = Recurrent(x, lstm, "LSTM", [0, 3, 1, 2], name, []);
        return (output, states[0], states[1]);
    }

    /// <summary>A batch-first GRU of any depth and direction: the output of its last layer and the final hidden states.</summary>
    public static (OnnxValue Output, OnnxValue Hidden) Gru(OnnxValue x, GRU gru, string name)
    {
        // PyTorch's gates (reset, update, new) in ONNX's order (update, reset, hidden); PyTorch applies the reset gate
        // after the recurrent product, which is ONNX's linear_before_reset.
        var (output, states) = Recurrent(x, gru, "GRU", [1, 0, 2], name, [OnnxGraph.Int("linear_before_reset", 1)]);
        return (output, states[0]);
    }

    /// <summary>
    /// One ONNX recurrent node per layer, each layer's output, directions side by side,
    /// feeding the next; the final states of every layer and direction concatenated as PyTorch's <c>[layers*directions, B, H]</c>.
    /// </summary>
    private static (OnnxValue Output, OnnxValue[] States) Recurrent(OnnxValue x, nn.Module module, string op, int[] order, string name, Onnx.AttributeProto[] extra)
    {
        var graph = x.Graph;
        var parameters = new System.Collections.Generic.Dictionary<string, Tensor>();
        foreach (var (key, parameter) in module.named_parameters()) parameters[key] = parameter;
        bool bidirectional = parameters.ContainsKey("weight_ih_l0_reverse");
        int layers = 0;
        while (parameters.ContainsKey($"weight_ih_l{layers}")) layers++;
        long hidden = parameters["weight_hh_l0"].size(1);
        int stateCount = op == "LSTM" ? 2 : 1;
        string[] directions = bidirectional ? ["", "_reverse"] : [""];
        var input = x;
        var finals = new System.Collections.Generic.List<OnnxValue>[stateCount];
        for (int i = 0; i < stateCount; i++) finals[i] = [];
        using var scope = NewDisposeScope();
        for (int layer = 0; layer < layers; layer++)
        {
            Tensor Reordered(Tensor weight)
            {
                var chunks = weight.detach().split(hidden, 0);
                return cat(order.Select(i => chunks[i]).ToArray());
            }
            Tensor Stacked(string kind) => stack(directions.Select(d => Reordered(parameters[$"{kind}_l{layer}{d}"])).ToArray());
            Tensor Bias(string d) => cat([
                parameters.TryGetValue($"bias_ih_l{layer}{d}", out var inputBias) ? Reordered(inputBias) : zeros(order.Length * hidden),
                parameters.TryGetValue($"bias_hh_l{layer}{d}", out var hiddenBias) ? Reordered(hiddenBias) : zeros(order.Length * hidden)]);
            var attributes = new System.Collections.Generic.List<Onnx.AttributeProto>(extra)
            {
                OnnxGraph.Int("hidden_size", hidden),
                new() { Name = "direction", Type = Onnx.AttributeProto.Types.AttributeType.String, S = Google.Protobuf.ByteString.CopyFromUtf8(bidirectional ? "bidirectional" : "forward") },
            };
            // Time first (layout 0): ONNX Runtime's CPU kernels take no other layout.
            var outputs = graph.Nodes(op,
                [OnnxOps.Permute(input, 1, 0, 2), graph.Values(Stacked("weight_ih"), $"{name}.W{layer}"), graph.Values(Stacked("weight_hh"), $"{name}.R{layer}"), graph.Values(stack(directions.Select(Bias).ToArray()), $"{name}.B{layer}")],
                [4, .. Enumerable.Repeat(3, stateCount)], attributes);
            // Y [T, directions, B, H] -> [B, T, directions*H]; each final state is [directions, B, H] already.
            input = OnnxOps.Reshape(OnnxOps.Permute(outputs[0], 2, 0, 1, 3), 0, 0, directions.Length * hidden);
            for (int i = 0; i < stateCount; i++) finals[i].Add(outputs[1 + i]);
        }
        return (input, finals.Select(f => OnnxOps.Concat(0, [.. f])).ToArray());
    }

    /// <summary>A per-dim setting for <paramref name="spatial"/> dims: one value stands for all.</summary>
    private static long[] Each(long[] values, int spatial)
    {
        if (values.Length == spatial) return values;
        var each = new long[spatial];
        Array.Fill(each, values[0]);
        return each;
    }
}
