namespace Sculpt;

/// <summary>How a layer's weights start. <see cref="Default"/> keeps TorchSharp's, which are PyTorch's.</summary>
public enum InitScheme
{
    /// <summary>PyTorch's defaults: Kaiming-uniform (a = sqrt(5)) for Linear and convolutions, N(0, 1) for embeddings, ones/zeros for norms.</summary>
    Default,

    /// <summary>Weights from N(0, Std), biases zero (GPT-2 uses Std = 0.02).</summary>
    Normal,

    /// <summary>Glorot/Xavier uniform weights, biases zero.</summary>
    XavierUniform,

    /// <summary>Glorot/Xavier normal weights, biases zero.</summary>
    XavierNormal,

    /// <summary>He/Kaiming normal weights for ReLU networks (fan-out, as torchvision's ResNets), biases zero.</summary>
    KaimingNormal,

    /// <summary>All weights and biases zero (e.g. the last layer of a residual branch, so it starts as the identity).</summary>
    Zeros,
}

/// <summary>
/// The initialisation of one layer, overriding its model's <see cref="ModelAttribute.Init"/>.
/// Norm layers keep their ones and zeros whatever the scheme.
/// </summary>
[System.AttributeUsage(System.AttributeTargets.Method, Inherited = false)]
public sealed class InitAttribute(InitScheme scheme) : System.Attribute
{
    public InitScheme Scheme { get; } = scheme;

    /// <summary>The standard deviation of <see cref="InitScheme.Normal"/>.</summary>
    public double Std { get; set; } = 0.02;

    /// <summary>
    /// A hyperparameter holding the number of residual blocks N: the layer's output projection
    /// (a Linear's weight, an attention layer's <c>Proj</c>) then starts with <c>Std / sqrt(2N)</c>,
    /// GPT-2's scaled initialisation of residual layers.
    /// </summary>
    public string? ScaleByDepth { get; set; }
}
