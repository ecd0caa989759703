namespace Sculpt;

// Layer sizes are `object` so that one attribute takes either an integer literal or the name of a
// hyperparameter ("Hidden"); the generator reads the constant and writes `config.Hidden`.

/// <summary>A fully connected layer, <c>[*, in] -&gt; [*, out]</c>, on a <c>partial Tensor M(Tensor x)</c>.</summary>
[System.AttributeUsage(System.AttributeTargets.Method, Inherited = false)]
public sealed class LinearAttribute(object inFeatures, object outFeatures) : System.Attribute
{
    public object InFeatures { get; } = inFeatures;
    public object OutFeatures { get; } = outFeatures;

    /// <summary>Whether the layer adds a learned bias (default true).</summary>
    public bool Bias { get; set; } = true;
}

/// <summary>Dropout with the given probability (a number or a hyperparameter name); identity in eval mode.</summary>
[System.AttributeUsage(System.AttributeTargets.Method, Inherited = false)]
public sealed class DropoutAttribute(object probability) : System.Attribute
{
    public object Probability { get; } = probability;
}
