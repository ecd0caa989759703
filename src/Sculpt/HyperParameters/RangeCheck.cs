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
