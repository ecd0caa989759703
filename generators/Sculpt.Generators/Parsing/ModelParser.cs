using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Sculpt.Generators.Model;
using Sculpt.Generators.Shapes;

namespace Sculpt.Generators.Parsing;

/// <summary>Turns a <c>[Model]</c> class into a <see cref="ModelSpec"/>.</summary>
internal static class ModelParser
{
    public static ModelSpec? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellation)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type
            || type.TypeKind != TypeKind.Class
            || type.IsGenericType
            || !TypeTargetParser.IsPartialAllTheWay(type))
        {
            return null;
        }

        var config = context.Attributes[0].ConstructorArguments is [{ Kind: TypedConstantKind.Type, Value: INamedTypeSymbol c }] ? c : null;
        var dimNames = new HashSet<string>(
            config is null
                ? Enumerable.Empty<string>()
                : HyperParametersParser.Properties(config)
                    .Where(p => HyperParametersParser.KindOf(p.Type) is ValueKind.Int32 or ValueKind.Int64)
                    .Select(p => p.Name));

        var layers = new List<LayerSpec>();
        IMethodSymbol? forwardMethod = null;
        string? signatureText = null;
        foreach (var method in type.GetMembers().OfType<IMethodSymbol>())
        {
            cancellation.ThrowIfCancellationRequested();
            foreach (var attribute in method.GetAttributes())
            {
                string? name = attribute.AttributeClass?.ToDisplayString();
                if (name == KnownTypes.ForwardAttribute && forwardMethod is null && attribute.ConstructorArguments is [{ Value: string text }])
                {
                    forwardMethod = method;
                    signatureText = text;
                }
                else if (LayerFrom(method, attribute, name) is { } layer)
                {
                    layers.Add(layer);
                }
            }
        }

        ForwardSpec? forward = null;
        var rows = new List<SummaryRowSpec>();
        if (forwardMethod is not null && signatureText is not null)
        {
            var (signature, error) = SignatureParser.Parse(signatureText, dimNames);
            var parameters = forwardMethod.Parameters
                .Select((p, i) => new ForwardParameter(p.Name, signature is not null && i < signature.Inputs.Count ? signature.Inputs[i] : null))
                .ToEquatableArray();
            bool valid = error is null && signature!.Inputs.Count == forwardMethod.Parameters.Length;
            forward = new ForwardSpec(forwardMethod.Name, signatureText, parameters, signature?.Output, valid);
            rows.AddRange(ForwardWalker.Walk(forwardMethod, context.SemanticModel, type, layers, parameters, cancellation));
        }

        return new ModelSpec(
            TypeTargetParser.Parse(type),
            config?.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            layers.ToEquatableArray(),
            forward,
            rows.ToEquatableArray());
    }

    private static LayerSpec? LayerFrom(IMethodSymbol method, AttributeData attribute, string? attributeName)
    {
        LayerKind kind;
        int arity;
        switch (attributeName)
        {
            case KnownTypes.LinearAttribute:
                kind = LayerKind.Linear;
                arity = 2;
                break;
            case KnownTypes.DropoutAttribute:
                kind = LayerKind.Dropout;
                arity = 1;
                break;
            default:
                return null;
        }
        // Only a partial declaration without a body is ours to implement.
        if (!method.IsPartialDefinition || method.PartialImplementationPart is not null) return null;
        if (method.Parameters.Length != 1 || method.IsStatic || method.IsGenericMethod || attribute.ConstructorArguments.Length != arity) return null;

        var arguments = new List<LayerArgument>();
        foreach (var argument in attribute.ConstructorArguments)
        {
            var value = argument.Kind == TypedConstantKind.Primitive ? argument.Value : null;
            if (value is string name && name.Length > 0) arguments.Add(new LayerArgument(name, 0));
            else if (HyperParametersParser.AsDouble(value) is { } number) arguments.Add(new LayerArgument(null, number));
            else return null;
        }
        bool bias = !attribute.NamedArguments.Any(a => a.Key == "Bias" && a.Value.Value is false);

        return new LayerSpec(
            method.Name,
            kind,
            AccessibilityText(method.DeclaredAccessibility),
            method.ReturnType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            method.Parameters[0].Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            method.Parameters[0].Name,
            arguments.ToEquatableArray(),
            bias);
    }

    private static string AccessibilityText(Accessibility accessibility) => accessibility switch
    {
        Accessibility.Public => "public",
        Accessibility.Internal => "internal",
        Accessibility.Protected => "protected",
        Accessibility.ProtectedOrInternal => "protected internal",
        Accessibility.ProtectedAndInternal => "private protected",
        _ => "private",
    };
}
