using System.Collections.Generic;

namespace Sculpt.HyperParameters;

/// <summary>The checks behind the generated <c>ValidationErrors()</c>.</summary>
public static class RangeCheck
{
    /// <summary>Adds an error naming <paramref name="flag"/> when <paramref name="value"/> lies outside [min, max].</summary>
    public static void Require(List<string> errors, string flag, double value, double minimum, double maximum)
    {
        if (double.IsNaN(value) || value < minimum || value > maximum)
        {
            errors.Add($"Option '{flag}' must be in [{ValueText.Format(minimum)}, {ValueText.Format(maximum)}]; got {ValueText.Format(value)}.");
        }
    }

    /// <summary>Throws one exception listing every error, when there are any.</summary>
    public static void ThrowIfAny(IReadOnlyList<string> errors, string recordName)
    {
        if (errors.Count > 0)
        {
            throw new HyperParameterException($"Invalid {recordName}: " + string.Join(" ", errors));
        }
    }
}

/// <summary>
/// The checks a generated model makes on the hyperparameters its layers use, before building
/// them: values given on the command line get the error the analyzer gives literals.
/// </summary>
public static class LayerArgumentCheck
{
    /// <summary>A layer size must be at least 1.</summary>
    public static void Size(long value, string flag, string model, string layer)
    {
        if (value < 1) throw new HyperParameterException($"Option '{flag}' is a size of layer '{model}.{layer}' and must be at least 1; got {ValueText.Format(value)}.");
    }

    /// <summary>A slope, alpha or beta must be a positive number.</summary>
    public static void Positive(double value, string flag, string model, string layer)
    {
        if (!(value > 0) || double.IsInfinity(value)) throw new HyperParameterException($"Option '{flag}' is a setting of layer '{model}.{layer}' and must be a positive number; got {ValueText.Format(value)}.");
    }

    /// <summary>A dropout probability must lie in [0, 1).</summary>
    public static void Probability(double value, string flag, string model, string layer)
    {
        if (double.IsNaN(value) || value < 0 || value >= 1) throw new HyperParameterException($"Option '{flag}' is the dropout probability of layer '{model}.{layer}' and must be in [0, 1); got {ValueText.Format(value)}.");
    }
}

/// <summary>Checks between two layer arguments, such as attention heads dividing the model dim.</summary>
public static class LayerArgumentRelations
{
    /// <summary>Refuses a <paramref name="divisor"/> that does not divide <paramref name="dividend"/>, naming both as the layer does.</summary>
    /// <exception cref="HyperParameterException">The divisor is below 1 or leaves a remainder.</exception>
    public static void Divides(long dividend, long divisor, string dividendName, string divisorName, string model, string layer)
    {
        if (divisor < 1 || dividend % divisor != 0)
        {
            throw new HyperParameterException($"Layer '{model}.{layer}' needs {divisorName} to divide {dividendName}; got {dividendName} {ValueText.Format(dividend)} and {divisorName} {ValueText.Format(divisor)}.");
        }
    }
}
