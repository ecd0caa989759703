using System.Collections.Generic;
using System.Linq;
using Sculpt.Generators.Model;

namespace Sculpt.Generators.Shapes;

/// <summary>
/// Matches the shapes of a call's arguments against a signature, binding its symbols per call
/// (<c>B</c>, <c>T</c>, <c>*batch</c>), and writes the result shape with those bindings.
/// </summary>
internal sealed class Unifier
{
    private readonly Dictionary<string, Dim> _symbols = new();
    private readonly Dictionary<string, List<Dim>?> _variadics = new();

    /// <summary>Why <paramref name="actual"/> cannot match <paramref name="expected"/> under the bindings so far, or null.</summary>
    public string? Unify(Shape expected, Shape actual)
    {
        var fixedExpected = expected.Dims.Where(d => d.Kind != DimKind.Variadic).ToList();
        if (expected.HasVariadic)
        {
            string name = expected.Dims[0].Name;
            if (!actual.HasVariadic && actual.Rank < fixedExpected.Count)
                return $"it has {actual.Rank} dims, fewer than the {fixedExpected.Count} that {expected} needs";
            _variadics[name] = actual.HasVariadic ? null : actual.Dims.Take(actual.Rank - fixedExpected.Count).ToList();
        }
        else if (!actual.HasVariadic && actual.Rank != expected.Rank)
        {
            return $"it has {actual.Rank} dims, not {expected.Rank}";
        }

        var fixedActual = actual.Dims.Where(d => d.Kind != DimKind.Variadic).ToList();
        int common = System.Math.Min(fixedExpected.Count, fixedActual.Count);
        for (int i = 1; i <= common; i++)
        {
            var e = fixedExpected[fixedExpected.Count - i];
            var a = fixedActual[fixedActual.Count - i];
            string where = i == 1 ? "the last dim" : $"dim -{i}";
            if (e.Kind == DimKind.Symbol)
            {
                if (_symbols.TryGetValue(e.Name, out var bound))
                {
                    if (ShapeComparison.CertainlyDifferent(bound, a)) return $"{where} is {a.Explained}, but {e.Name} is already {bound.Explained}";
                }
                else
                {
                    _symbols[e.Name] = a;
                }
            }
            else if (ShapeComparison.CertainlyDifferent(e, a))
            {
                return $"{where} is {a.Explained}, not {e.Explained}";
            }
        }
        return null;
    }

    /// <summary><paramref name="shape"/> with every bound symbol replaced; null when a variadic part is unknown.</summary>
    public Shape? Substitute(Shape shape)
    {
        var dims = new List<Dim>();
        foreach (var dim in shape.Dims)
        {
            if (dim.Kind == DimKind.Variadic)
            {
                if (!_variadics.TryGetValue(dim.Name, out var leading)) dims.Add(dim);
                else if (leading is null) return null;
                else dims.AddRange(leading);
            }
            else dims.Add(Bound(dim));
        }
        return new Shape(dims.ToEquatableArray());
    }

    /// <summary>A dim with its bound symbols replaced, inside arithmetic too: a block's <c>H/2</c> is half the H it was given.</summary>
    private Dim Bound(Dim dim) =>
        dim.Rewrite(d => d.Kind == DimKind.Symbol && _symbols.TryGetValue(d.Name, out var bound) ? bound : d);
}
