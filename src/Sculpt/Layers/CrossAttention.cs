using System;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Sculpt.Layers;

/// <summary>
/// Multi-head cross-attention: queries from <c>x [B, T, dim]</c>, keys and values from
/// <c>context [B, S, contextSize]</c> (one fused projection to <c>2*dim</c>), scaled dot-product attention
/// (<see cref="AttentionKernel"/>), and an output projection: <c>2*dim*dim + 2*dim*contextSize + 4*dim</c> parameters
/// (<c>4*dim*dim + 4*dim</c>, like <see cref="SelfAttention"/>, for a context as wide as the queries).
/// </summary>
public sealed class CrossAttention : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear Query;
    private readonly Linear KeyValue;
    private readonly Linear Proj;
    private readonly long _heads;
    private readonly double _dropout;
    private readonly AttentionKernel _kernel = new();

    /// <param name="dim">The queries' width, and the output's.</param>
    /// <param name="heads">The head count; it must divide <paramref name="dim"/>.</param>
    /// <param name="contextSize">The context's width (an encoder's memory may be narrower or wider); <paramref name="dim"/> when not given.</param>
    /// <param name="dropout">Dropout on the attention weights in training.</param>
    public CrossAttention(long dim, long heads, long? contextSize = null, double dropout = 0) : base(nameof(CrossAttention))
    {
        _dropout = dropout;
        if (heads < 1 || dim % heads != 0)
        {
            throw new ArgumentException($"CrossAttention needs a head count that divides the model dim; got dim {dim} and {heads} heads.", nameof(heads));
        }
        Query = nn.Linear(dim, dim);
        KeyValue = nn.Linear(contextSize ?? dim, 2 * dim);
        Proj = nn.Linear(dim, dim);
        _heads = heads;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor context)
    {
        using var scope = NewDisposeScope();
        long batch = x.size(0), time = x.size(1), dim = x.size(2), source = context.size(1);
        long headDim = dim / _heads;
        var query = MixedPrecision.LowPrecision.Linear(Query, x).view(batch, time, _heads, headDim).transpose(1, 2);
        // [B, S, 2*D] -> [2, B, H, S, D/H]: keys and values as views of one projection.
        var keyValue = MixedPrecision.LowPrecision.Linear(KeyValue, context).view(batch, source, 2, _heads, headDim).permute(2, 0, 3, 1, 4);
        var attended = _kernel.Attend(query, keyValue[0], keyValue[1], causal: false, dropout: training ? _dropout : 0);
        return MixedPrecision.LowPrecision.Linear(Proj, attended.transpose(1, 2).reshape(batch, time, dim)).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _kernel.Dispose();
        base.Dispose(disposing);
    }
}
