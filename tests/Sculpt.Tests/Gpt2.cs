using static TorchSharp.torch;

namespace Sculpt.Tests;

// GPT-2 small as Radford et al. released it: learned token and position embeddings, 12 pre-norm
// blocks of causal self-attention and a 4x MLP, a final LayerNorm, and a head tied to the token
// embedding. 124,439,808 parameters. Weights start from N(0, 0.02), the residual projections from
// N(0, 0.02 / sqrt(2 * Layers)), biases from zero, as in the GPT-2 paper.

[HyperParameters]
public partial record Gpt2Config
{
    public int Vocabulary { get; init; } = 50257;
    public int Context { get; init; } = 1024;
    public int Dim { get; init; } = 768;
    public int Heads { get; init; } = 12;
    public int Layers { get; init; } = 12;
    public int Mlp { get; init; } = 3072;
}

[Model(typeof(Gpt2Config), Init = InitScheme.Normal)]
public partial class Gpt2Block
{
    [LayerNorm("Dim")] private partial Tensor Norm1(Tensor x);
    [Init(InitScheme.Normal, ScaleByDepth = "Layers")]
    [SelfAttention("Dim", "Heads", Causal = true)] private partial Tensor Attention(Tensor x);
    [LayerNorm("Dim")] private partial Tensor Norm2(Tensor x);
    [Linear("Dim", "Mlp")] private partial Tensor Up(Tensor x);
    [Init(InitScheme.Normal, ScaleByDepth = "Layers")]
    [Linear("Mlp", "Dim")] private partial Tensor Down(Tensor x);

    [Forward("B T Dim -> B T Dim")]
    public Tensor Forward(Tensor x)
    {
        x = x + Attention(Norm1(x));
        return x + Down(Ops.Gelu(Up(Norm2(x))));
    }
}

[Model(typeof(Gpt2Config), Init = InitScheme.Normal)]
public partial class Gpt2
{
    [Embedding("Vocabulary", "Dim")] private partial Tensor Tokens(Tensor x);
    [Embedding("Context", "Dim")] private partial Tensor Positions(Tensor x);
    [Submodel(Repeat = "Layers")] private partial TorchSharp.Modules.ModuleList<Gpt2Block> Blocks { get; }
    [LayerNorm("Dim")] private partial Tensor Norm(Tensor x);
    [Linear("Dim", "Vocabulary", Bias = false, TiedTo = nameof(Tokens))] private partial Tensor Head(Tensor x);

    [Forward("B T -> B T Vocabulary")]
    public Tensor Forward(Tensor tokens)
    {
        var x = Tokens(tokens) + Positions(Ops.Positions(tokens));
        foreach (var block in Blocks) x = block.call(x);
        return Head(Norm(x));
    }
}
