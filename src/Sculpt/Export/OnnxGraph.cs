using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;
using static TorchSharp.torch;

namespace Sculpt.Export;

/// <summary>
/// An ONNX graph being written: the generated <c>OnnxForward</c> of a model runs its forward body over
/// <see cref="OnnxValue"/>s, and each layer, op and operator adds its nodes here. Weights become initializers,
/// one per tensor (a weight tied to another is stored once).
/// </summary>
public sealed class OnnxGraph
{
    /// <summary>The operator set written: 17 has LayerNormalization, and every runtime of the last years reads it.</summary>
    public const int Opset = 17;

    private readonly GraphProto _graph = new() { Name = "sculpt" };
    private readonly Dictionary<(IntPtr Handle, bool Transposed), string> _weights = [];
    private readonly Dictionary<string, ValueInfoProto> _inputs = [];
    private int _next;

    /// <summary>A graph input: <paramref name="dims"/> are sizes, or names for sizes known only when it runs (<c>B</c>, <c>T</c>).</summary>
    public OnnxValue Input(string name, IReadOnlyList<object> dims)
    {
        var shape = new TensorShapeProto();
        foreach (object dim in dims)
        {
            shape.Dim.Add(dim is long size ? new TensorShapeProto.Types.Dimension { DimValue = size } : new TensorShapeProto.Types.Dimension { DimParam = dim.ToString() });
        }
        var info = new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } } };
        _graph.Input.Add(info);
        _inputs[name] = info;
        return new OnnxValue(this, name, dims.Count);
    }

    /// <summary>Marks a graph input as holding indices (int64), not numbers: what an embedding reads.</summary>
    internal void HoldsIndices(OnnxValue value)
    {
        if (_inputs.TryGetValue(value.Name, out var info)) info.Type.TensorType.ElemType = (int)TensorProto.Types.DataType.Int64;
    }

    /// <summary>Declares <paramref name="value"/> a graph output, named <paramref name="name"/>, of <paramref name="dims"/>.</summary>
    public void Output(OnnxValue value, string name, IReadOnlyList<object> dims)
    {
        var result = Node("Identity", [value], rank: value.Rank, output: name);
        var shape = new TensorShapeProto();
        foreach (object dim in dims)
        {
            shape.Dim.Add(dim is long size ? new TensorShapeProto.Types.Dimension { DimValue = size } : new TensorShapeProto.Types.Dimension { DimParam = dim.ToString() });
        }
        _graph.Output.Add(new ValueInfoProto { Name = result.Name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } } });
    }

    /// <summary>Adds one node and returns its (first) output.</summary>
    public OnnxValue Node(string op, IReadOnlyList<OnnxValue> inputs, int rank, IReadOnlyList<AttributeProto>? attributes = null, string? output = null) =>
        Nodes(op, inputs, [rank], attributes, output is null ? null : [output])[0];

    /// <summary>Adds one node with several outputs (a split) and returns them.</summary>
    public OnnxValue[] Nodes(string op, IReadOnlyList<OnnxValue> inputs, IReadOnlyList<int> ranks, IReadOnlyList<AttributeProto>? attributes = null, IReadOnlyList<string>? outputs = null)
    {
        var node = new NodeProto { OpType = op, Name = $"{op}_{_next++}" };
        node.Input.AddRange(inputs.Select(i => i.Name));
        var results = ranks.Select((rank, i) => new OnnxValue(this, outputs?[i] ?? $"{node.Name}_out{i}", rank)).ToArray();
        node.Output.AddRange(results.Select(r => r.Name));
        if (attributes is not null) node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return results;
    }

    /// <summary>
    /// A module's weight as an initializer, once per tensor (keyed by the tensor, which the model keeps alive while it is
    /// exported); <paramref name="transposed"/> stores its 2-D transpose (a linear layer's, for MatMul).
    /// </summary>
    public OnnxValue Weight(Tensor weight, string name, bool transposed = false)
    {
        var key = (weight.Handle, transposed);
        if (!_weights.TryGetValue(key, out string? stored))
        {
            using var source = transposed ? weight.detach().t() : weight.detach();
            stored = Values(source, transposed ? name + ".T" : name).Name;
            _weights[key] = stored;
        }
        return new OnnxValue(this, stored, (int)weight.dim());
    }

    /// <summary>
    /// A tensor computed for the graph (weights rearranged for an ONNX node) as an initializer of its own: never shared,
    /// since such a tensor is freed after the call and its handle may then name another.
    /// </summary>
    public OnnxValue Values(Tensor values, string name)
    {
        string stored = Unique(name);
        _graph.Initializer.Add(Floats(stored, values));
        return new OnnxValue(this, stored, (int)values.dim());
    }

    /// <summary>A constant of float numbers (a scalar when <paramref name="shape"/> is empty).</summary>
    public OnnxValue Constant(float[] values, params long[] shape)
    {
        using var constant = tensor(values).reshape(shape);
        return Values(constant, "const");
    }

    /// <summary>A constant of int64 numbers (shapes, axes, indices), one-dimensional, or a scalar.</summary>
    public OnnxValue Integers(long[] values, bool scalar = false)
    {
        string name = Unique("ints");
        var proto = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        if (!scalar) proto.Dims.Add(values.Length);
        proto.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
        _graph.Initializer.Add(proto);
        return new OnnxValue(this, name, scalar ? 0 : 1);
    }

    /// <summary>The model file's bytes: this graph with opset <see cref="Opset"/>.</summary>
    public byte[] ToBytes(string producer)
    {
        var model = new ModelProto { IrVersion = 8, ProducerName = "Sculpt", ProducerVersion = producer, Graph = _graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        return model.ToByteArray();
    }

    private string Unique(string name)
    {
        string candidate = name;
        for (int i = 2; _graph.Initializer.Any(t => t.Name == candidate); i++) candidate = $"{name}_{i}";
        return candidate;
    }

    private static TensorProto Floats(string name, Tensor tensor)
    {
        using var data = tensor.to_type(ScalarType.Float32).cpu().contiguous();
        var proto = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        proto.Dims.AddRange(data.shape);
        proto.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(data.data<float>().ToArray().AsSpan()));
        return proto;
    }

    internal static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    internal static AttributeProto Float(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    internal static AttributeProto Ints(string name, IEnumerable<long> values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }
}
