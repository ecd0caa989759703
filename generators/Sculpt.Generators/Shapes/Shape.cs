using System.Linq;
using Sculpt.Generators.Model;

namespace Sculpt.Generators.Shapes;

/// <summary>A tensor shape as a list of symbolic dims.</summary>
internal sealed record Shape(EquatableArray<Dim> Dims)
{
    public int Rank => Dims.Count;

    public bool HasVariadic => Dims.Any(d => d.Kind == DimKind.Variadic);

    public string Text => string.Join(" ", Dims.Select(d => d.Text));

    public override string ToString() => "[" + string.Join(", ", Dims.Select(d => d.Text)) + "]";
}
