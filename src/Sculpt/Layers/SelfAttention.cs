using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Sculpt.Layers;

/// <summary>
/// Multi-head self-attention over <c>[B, T, dim]</c>: one fused query/key/value projection, scaled
/// dot-product attention (optionally causal; <see cref="AttentionKernel"/> picks libtorch's fused
/// kernel or explicit products by sequence length and device), and an output projection. Parameter
/// names follow GPT-2's (<c>Qkv</c> = c_attn, <c>Proj</c> = c_proj): <c>4*dim*dim + 4*dim</c> in all.
/// </summary>
public sealed class SelfAttention : nn.Module<Tensor, Tensor>
{
    private readonly Linear Qkv;
    private readonly Linear Proj;
    private readonly long _heads;
    private readonly bool _causal;
    private readonly double _dropout;
    private readonly AttentionKernel _kernel = new();

    public SelfAttention(long dim, long heads, bool causal, double dropout = 0) : base(nameof(SelfAttention))
    {
        if (heads < 1 || dim % heads != 0)
        {
            throw new ArgumentException($"SelfAttention needs a head count that divides the model dim; got dim {dim} and {heads} heads.", nameof(heads));
        }
        Qkv = nn.Linear(dim, 3 * dim);
        Proj = nn.Linear(dim, dim);
        _heads = heads;
        _causal = causal;
        _dropout = dropout;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => forward(x, null);

    /// <summary>The parts ONNX export writes out (Export/OnnxLayers.cs): the projections, the head count, causality.</summary>
    internal (Linear Qkv, Linear Proj, long Heads, bool Causal) Parts => (Qkv, Proj, _heads, _causal);

    /// <summary>
    /// Attention with padded positions hidden: <paramref name="keyPadding"/> is <c>[B, T]</c>, true (or non-zero) where
    /// a position is padding, as PyTorch's <c>key_padding_mask</c>. A layer method with a second tensor parameter calls this.
    /// </summary>
    public Tensor forward(Tensor x, Tensor? keyPadding)
    {
        using var scope = NewDisposeScope();
        long batch = x.size(0), time = x.size(1), dim = x.size(2);
        // [B, T, 3*D] -> [3, B, H, T, D/H]: one projection, then views for queries, keys and values. The projections are
        // called as modules (not forward), so their hooks run: a LoRA adapter on Qkv or Proj is one (LowRankAdapter);
        // under mixed precision they, and so the attention products, compute in low precision.
        var qkv = MixedPrecision.LowPrecision.Linear(Qkv, x).view(batch, time, 3, _heads, dim / _heads).permute(2, 0, 3, 1, 4);
        var attended = _kernel.Attend(qkv[0], qkv[1], qkv[2], _causal, training ? _dropout : 0, keyPadding);
        var merged = attended.transpose(1, 2).reshape(batch, time, dim);
        return MixedPrecision.LowPrecision.Linear(Proj, merged).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _kernel.Dispose();
        base.Dispose(disposing);
    }
}
