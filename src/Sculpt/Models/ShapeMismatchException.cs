using System;
using System.Linq;
using TorchSharp;

namespace Sculpt.Models;

/// <summary>
/// A tensor does not have the shape it must have: an input passed to a model does not match its
/// <see cref="ForwardAttribute"/> signature, or the operands of an <see cref="Ops"/> call do not fit
/// its shape rule (checked before the native call, since libtorch would abort the process on some).
/// </summary>
public sealed class ShapeMismatchException : ArgumentException
{
    private readonly string _message;

    public ShapeMismatchException(string model, string argument, string signature, string expected, long[] actual, string reason)
        : base(ForwardMessage(model, argument, signature, expected, actual, reason), argument)
    {
        _message = ForwardMessage(model, argument, signature, expected, actual, reason);
        Model = model;
        Argument = argument;
        Signature = signature;
        Expected = expected;
        Actual = actual;
    }

    private ShapeMismatchException(string message, string operation, string rule, long[] actual)
        : base(message)
    {
        _message = message;
        Model = operation;
        Argument = "";
        Signature = rule;
        Expected = "";
        Actual = actual;
    }

    /// <summary>The message, without the "(Parameter 'x')" that <see cref="ArgumentException"/> appends: the argument is named in it already.</summary>
    public override string Message => _message;

    /// <summary>The model (or, for an op, the op, e.g. <c>Ops.MatMul</c>).</summary>
    public string Model { get; }

    /// <summary>The forward argument; empty for an op.</summary>
    public string Argument { get; }

    /// <summary>The forward signature, or the op's shape rule.</summary>
    public string Signature { get; }

    public string Expected { get; }

    /// <summary>The argument's shape (an op's first operand).</summary>
    public long[] Actual { get; }

    private static string ForwardMessage(string model, string argument, string signature, string expected, long[] actual, string reason) =>
        $"{model}.forward: argument '{argument}' must have shape [{expected}] (signature \"{signature}\") but has shape [{string.Join(", ", actual)}]: {reason}.";

    /// <summary>Builds the exception for the generated input check (only on the failure path).</summary>
    public static ShapeMismatchException For(string model, string argument, string signature, string expected, torch.Tensor actual, string reason) =>
        new(model, argument, signature, expected, actual.shape, reason);

    /// <summary>
    /// Builds the exception for an op whose operands do not fit its rule, naming every operand's shape:
    /// <c>Ops.MatMul: [2, 3] and [4, 5] do not fit [*, N, K] @ [*, K, M]: K is 3 in the first and 4 in the second.</c>
    /// </summary>
    public static ShapeMismatchException ForOp(string operation, string rule, string reason, params torch.Tensor[] operands)
    {
        var shapes = operands.Select(o => $"[{string.Join(", ", o.shape)}]").ToArray();
        string given = shapes.Length switch
        {
            1 => shapes[0],
            2 => $"{shapes[0]} and {shapes[1]}",
            _ => string.Join(", ", shapes),
        };
        string what = operands.Length == 1 ? "does not fit" : "do not fit";
        return new ShapeMismatchException($"{operation}: {given} {what} {rule}: {reason}.", operation, rule, operands.Length > 0 ? operands[0].shape : []);
    }
}
