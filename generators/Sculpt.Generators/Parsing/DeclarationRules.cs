using System.Linq;
using Microsoft.CodeAnalysis;

namespace Sculpt.Generators.Parsing;

/// <summary>
/// What a declaration needs before Sculpt can generate code for it. The parsers skip a
/// declaration that breaks a rule; the analyzer reports the same rule as SCULPT0009.
/// </summary>
internal static class DeclarationRules
{
    /// <summary>Why code cannot be generated for a <c>[HyperParameters]</c> type, or null.</summary>
    public static string? HyperParametersProblem(INamedTypeSymbol type)
    {
        if (!type.IsRecord || type.TypeKind != TypeKind.Class) return $"[HyperParameters] goes on a record class; '{type.Name}' is not one";
        if (type.IsGenericType) return $"[HyperParameters] record '{type.Name}' cannot be generic";
        if (!TypeTargetParser.IsPartialAllTheWay(type)) return $"'{type.Name}' and the types around it must be partial";
        if (type.IsAbstract) return $"[HyperParameters] record '{type.Name}' cannot be abstract: flags and JSON start from its defaults";
        bool parameterless = type.InstanceConstructors.Any(c => c.Parameters.Length == 0 && c.DeclaredAccessibility is Accessibility.Public or Accessibility.Internal);
        if (!parameterless) return $"'{type.Name}' needs a parameterless constructor: flags and JSON start from its defaults (declare properties, not positional parameters)";
        if (HyperParametersParser.Properties(type).Any(p => p.IsRequired)) return $"'{type.Name}' cannot have required members: flags and JSON start from its defaults";
        return null;
    }

    /// <summary>Why code cannot be generated for a <c>[Model]</c> type, or null.</summary>
    public static string? ModelProblem(INamedTypeSymbol type)
    {
        if (type.TypeKind != TypeKind.Class) return $"[Model] goes on a class; '{type.Name}' is not one";
        if (type.IsGenericType) return $"[Model] class '{type.Name}' cannot be generic";
        if (!TypeTargetParser.IsPartialAllTheWay(type)) return $"'{type.Name}' and the types around it must be partial";
        return null;
    }

    /// <summary>Why a <c>[Forward]</c> method cannot be wrapped, or null.</summary>
    public static string? ForwardProblem(IMethodSymbol method) =>
        method.Name == "forward"
            ? "the forward method cannot be named 'forward': Sculpt generates TorchSharp's forward(...) override, which checks the input shapes and then calls it"
            : method.IsStatic || method.IsGenericMethod
                ? $"the forward method '{method.Name}' must be a non-generic instance method"
                : null;

    /// <summary>Why code cannot be generated for a <c>[Trainer]</c> type, or null.</summary>
    public static string? TrainerProblem(INamedTypeSymbol type)
    {
        if (type.TypeKind != TypeKind.Class || type.IsGenericType || type.IsAbstract) return $"[Trainer] goes on a non-generic, non-abstract class; '{type.Name}' is not one";
        if (!TypeTargetParser.IsPartialAllTheWay(type)) return $"'{type.Name}' and the types around it must be partial";
        return null;
    }
}
