namespace Sculpt;

/// <summary>
/// Marks a <c>partial record</c> as a set of hyperparameters. The generator writes command-line
/// binding (<c>--hidden 512</c>), <c>--help</c>, JSON load/save and range validation for every
/// public settable property, inherited ones included.
/// </summary>
[System.AttributeUsage(System.AttributeTargets.Class, Inherited = false)]
public sealed class HyperParametersAttribute : System.Attribute;
