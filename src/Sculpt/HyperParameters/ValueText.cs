using System.Globalization;

namespace Sculpt.HyperParameters;

/// <summary>Invariant-culture text for values, so <c>1e-3</c> never reads or prints as <c>0,001</c>.</summary>
public static class ValueText
{
    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
    public static string Format(float value) => value.ToString("R", CultureInfo.InvariantCulture);
    public static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);
    public static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);
    public static string Format(bool value) => value ? "true" : "false";
    public static string Format(string? value) => value ?? "";
    public static string Format<TEnum>(TEnum value) where TEnum : struct, System.Enum => value.ToString();
}
