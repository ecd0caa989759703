using System;

namespace Sculpt.Export;

/// <summary>
/// <see cref="Ops"/> over <see cref="OnnxValue"/>s: what an exported forward body calls where the model's calls
/// <c>Ops.X</c>. Each writes the ONNX nodes that compute what <c>Ops.X</c> computes; the generator exports a model
/// only when every op its forward body calls is here (<c>OnnxSupport</c> in the generator lists them).
/// </summary>
public static class OnnxOps
{
    public static OnnxValue Relu(OnnxValue x) => Unary("Relu", x);

    public static OnnxValue Tanh(OnnxValue x) => Unary("Tanh", x);

    public static OnnxValue Sigmoid(OnnxValue x) => Unary("Sigmoid", x);

    public static OnnxValue Silu(OnnxValue x) => x * Sigmoid(x);

    /// <summary>The exact GELU, as <c>torch.nn.functional.gelu</c>: x/2 (1 + erf(x/sqrt 2)); opset 17 has no Gelu node.</summary>
    public static OnnxValue Gelu(OnnxValue x) => x * 0.5 * (Unary("Erf", x * (1 / Math.Sqrt(2))) + 1.0);

    public static OnnxValue Softmax(OnnxValue x, long dim) => x.Graph.Node("Softmax", [x], x.Rank, [OnnxGraph.Int("axis", dim)]);

    /// <summary>Every dim from the second on as one, the one flatten a classifier head needs; other ranges are refused.</summary>
    public static OnnxValue Flatten(OnnxValue x, long startDim = 1, long endDim = -1)
    {
        if (startDim != 1 || endDim != -1 && endDim != x.Rank - 1) throw new NotSupportedException($"ONNX export flattens dims 1 to the last only, not {startDim} to {endDim}.");
        return x.Graph.Node("Flatten", [x], 2, [OnnxGraph.Int("axis", 1)]);
    }

    public static OnnxValue Reshape(OnnxValue x, params long[] shape) =>
        x.Graph.Node("Reshape", [x, x.Graph.Integers(shape)], shape.Length);

    public static OnnxValue Transpose(OnnxValue x, long dim0, long dim1)
    {
        long[] order = new long[x.Rank];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        long first = dim0 < 0 ? dim0 + x.Rank : dim0, second = dim1 < 0 ? dim1 + x.Rank : dim1;
        (order[first], order[second]) = (order[second], order[first]);
        return Permute(x, order);
    }

    public static OnnxValue Permute(OnnxValue x, params long[] dims) => x.Graph.Node("Transpose", [x], x.Rank, [OnnxGraph.Ints("perm", dims)]);

    public static OnnxValue MatMul(OnnxValue a, OnnxValue b) => a.Graph.Node("MatMul", [a, b], Math.Max(a.Rank, b.Rank));

    public static OnnxValue Mean(OnnxValue x, long dim, bool keepDim = false) =>
        x.Graph.Node("ReduceMean", [x], keepDim ? x.Rank : x.Rank - 1, [OnnxGraph.Ints("axes", [dim]), OnnxGraph.Int("keepdims", keepDim ? 1 : 0)]);

    public static OnnxValue Concat(long dim, params OnnxValue[] tensors) =>
        tensors[0].Graph.Node("Concat", tensors, tensors[0].Rank, [OnnxGraph.Int("axis", dim)]);

    /// <summary>One index of a dim, the dim removed (a negative index counts from the end).</summary>
    public static OnnxValue Select(OnnxValue x, long dim, long index) =>
        x.Graph.Node("Gather", [x, x.Graph.Integers([index], scalar: true)], x.Rank - 1, [OnnxGraph.Int("axis", dim)]);

    /// <summary>0, 1, ... T-1 for sequences <c>[B, T]</c>, as <see cref="Ops.Positions"/>: T is read from the input when the graph runs.</summary>
    public static OnnxValue Positions(OnnxValue sequences)
    {
        var graph = sequences.Graph;
        var shape = graph.Node("Shape", [sequences], 1);
        var length = graph.Node("Gather", [shape, graph.Integers([sequences.Rank - 1], scalar: true)], 0, [OnnxGraph.Int("axis", 0)]);
        return graph.Node("Range", [graph.Integers([0], scalar: true), length, graph.Integers([1], scalar: true)], 1);
    }

    private static OnnxValue Unary(string op, OnnxValue x) => x.Graph.Node(op, [x], x.Rank);
}
