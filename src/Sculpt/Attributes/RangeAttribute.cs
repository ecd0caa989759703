namespace Sculpt;

/// <summary>The inclusive range a numeric hyperparameter must lie in; checked by <c>Validate()</c>.</summary>
[System.AttributeUsage(System.AttributeTargets.Property, Inherited = true)]
public sealed class RangeAttribute(double minimum, double maximum) : System.Attribute
{
    public double Minimum { get; } = minimum;
    public double Maximum { get; } = maximum;
}
