using System.Linq;
using Sculpt.Generators.Model;

namespace Sculpt.Generators.Shapes;

/// <summary>Shape rules of the parameter-free elementwise ops and of flatten.</summary>
internal static class ShapeRules
{
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
}
