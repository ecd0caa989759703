using System;
using TorchSharp;

namespace Sculpt.Models;

/// <summary>A tensor passed to a model does not have the shape its <see cref="ForwardAttribute"/> declares.</summary>
public sealed class ShapeMismatchException : ArgumentException
{
    public ShapeMismatchException(string model, string argument, string signature, string expected, long[] actual, string reason)
        : base($"{model}.forward: argument '{argument}' must have shape [{expected}] (signature \"{signature}\") but has shape [{string.Join(", ", actual)}]: {reason}.", argument)
    {
        Model = model;
        Argument = argument;
        Signature = signature;
        Expected = expected;
        Actual = actual;
    }

    public string Model { get; }
    public string Argument { get; }
    public string Signature { get; }
    public string Expected { get; }
    public long[] Actual { get; }

    /// <summary>Builds the exception for the generated input check (only on the failure path).</summary>
    public static ShapeMismatchException For(string model, string argument, string signature, string expected, torch.Tensor actual, string reason) =>
        new(model, argument, signature, expected, actual.shape, reason);
}
