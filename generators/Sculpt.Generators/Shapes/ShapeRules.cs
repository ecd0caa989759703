using System.Linq;
using Sculpt.Generators.Model;

namespace Sculpt.Generators.Shapes;

/// <summary>How each layer and op maps its input shape to its output shape.</summary>
internal static class ShapeRules
{
    /// <summary>The output of a layer given its input; null when the input is unknown.</summary>
    public static Shape? Layer(LayerSpec layer, Shape? input)
    {
        if (input is null) return null;
        return layer.Kind switch
        {
            LayerKind.Linear => ReplaceLast(input, SizeDim(layer.Arguments[1])),
            _ => input,
        };
    }

    /// <summary>
    /// The input shape a layer accepts, when it constrains it (Linear: <c>*batch in</c>); null
    /// when any shape will do.
    /// </summary>
    public static Shape? LayerInput(LayerSpec layer) => layer.Kind switch
    {
        LayerKind.Linear => new Shape(new[] { Dim.Variadic("batch"), SizeDim(layer.Arguments[0]) }.ToEquatableArray()),
        _ => null,
    };

    /// <summary>The output of an elementwise op: its input.</summary>
    public static Shape? Elementwise(Shape? input) => input;

    /// <summary>Flattens dims <paramref name="startDim"/>..<paramref name="endDim"/> (negative counts from the end) into their product.</summary>
    public static Shape? Flatten(Shape? input, long startDim, long endDim)
    {
        if (input is null || input.HasVariadic) return null;
        int rank = input.Rank;
        long start = startDim < 0 ? rank + startDim : startDim;
        long end = endDim < 0 ? rank + endDim : endDim;
        if (start < 0 || end >= rank || start > end) return null;
        var dims = input.Dims.Take((int)start)
            .Concat(new[] { Dim.Product(input.Dims.Skip((int)start).Take((int)(end - start + 1))) })
            .Concat(input.Dims.Skip((int)end + 1));
        return new Shape(dims.ToEquatableArray());
    }

    /// <summary>The dim a layer size argument stands for.</summary>
    public static Dim SizeDim(LayerArgument argument) =>
        argument.IsHyperParameter ? Dim.HyperParameter(argument.HyperParameter!) : Dim.Constant((long)argument.Literal);

    private static Shape ReplaceLast(Shape input, Dim last) =>
        new(input.Dims.Take(input.Rank - 1).Concat(new[] { last }).ToEquatableArray());
}
