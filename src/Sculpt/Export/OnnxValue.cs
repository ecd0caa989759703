namespace Sculpt.Export;

/// <summary>
/// A tensor of an ONNX graph being written, as a model's forward body sees it while it is exported: the
/// generated <c>OnnxForward</c> is the forward body with <c>Tensor</c> read as this type, so the body's own
/// arithmetic (<c>x + Attention(x)</c>) writes the nodes.
/// </summary>
public sealed class OnnxValue
{
    internal OnnxValue(OnnxGraph graph, string name, int rank)
    {
        Graph = graph;
        Name = name;
        Rank = rank;
    }

    public OnnxGraph Graph { get; }

    /// <summary>Its name in the graph.</summary>
    public string Name { get; }

    /// <summary>How many dims it has.</summary>
    public int Rank { get; }

    public static OnnxValue operator +(OnnxValue a, OnnxValue b) => Binary("Add", a, b);

    public static OnnxValue operator -(OnnxValue a, OnnxValue b) => Binary("Sub", a, b);

    public static OnnxValue operator *(OnnxValue a, OnnxValue b) => Binary("Mul", a, b);

    public static OnnxValue operator /(OnnxValue a, OnnxValue b) => Binary("Div", a, b);

    public static OnnxValue operator +(OnnxValue a, double b) => Binary("Add", a, a.Scalar(b));

    public static OnnxValue operator -(OnnxValue a, double b) => Binary("Sub", a, a.Scalar(b));

    public static OnnxValue operator *(OnnxValue a, double b) => Binary("Mul", a, a.Scalar(b));

    public static OnnxValue operator /(OnnxValue a, double b) => Binary("Div", a, a.Scalar(b));

    public static OnnxValue operator +(double a, OnnxValue b) => Binary("Add", b.Scalar(a), b);

    public static OnnxValue operator -(double a, OnnxValue b) => Binary("Sub", b.Scalar(a), b);

    public static OnnxValue operator *(double a, OnnxValue b) => Binary("Mul", b.Scalar(a), b);

    public static OnnxValue operator -(OnnxValue a) => a.Graph.Node("Neg", [a], a.Rank);

    private OnnxValue Scalar(double value) => Graph.Constant([(float)value]);

    private static OnnxValue Binary(string op, OnnxValue a, OnnxValue b) => a.Graph.Node(op, [a, b], System.Math.Max(a.Rank, b.Rank));

    public override string ToString() => $"{Name} (rank {Rank})";
}
