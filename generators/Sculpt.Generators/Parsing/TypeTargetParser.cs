using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Sculpt.Generators.Model;

namespace Sculpt.Generators.Parsing;

internal static class TypeTargetParser
{
    public static TypeTarget Parse(INamedTypeSymbol type)
    {
        var containing = new List<TypeHead>();
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            containing.Insert(0, Head(outer));
        }
        string? ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString(Escaped) : null;
        string hint = Names.HintName(type.ToDisplayString(Escaped).Replace('<', '{').Replace('>', '}'));
        return new TypeTarget(ns, containing.ToEquatableArray(), Head(type))
        {
            HintName = hint,
        };
    }

    /// <summary>Qualified names as source writes them: keywords escaped, no <c>global::</c>.</summary>
    private static readonly SymbolDisplayFormat Escaped = SymbolDisplayFormat.FullyQualifiedFormat.WithGlobalNamespaceStyle(SymbolDisplayGlobalNamespaceStyle.Omitted);

    private static TypeHead Head(INamedTypeSymbol type)
    {
        string keyword = type.IsRecord
            ? (type.TypeKind == TypeKind.Struct ? "record struct" : "record")
            : type.TypeKind switch
            {
                TypeKind.Struct => "struct",
                TypeKind.Interface => "interface",
                _ => "class",
            };
        string name = type.TypeParameters.Length == 0
            ? Names.Identifier(type.Name)
            : Names.Identifier(type.Name) + "<" + string.Join(", ", type.TypeParameters.Select(p => Names.Identifier(p.Name))) + ">";
        return new TypeHead(keyword, name);
    }

    /// <summary>Whether every declaration of the type and of the types around it is <c>partial</c>.</summary>
    public static bool IsPartialAllTheWay(INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.ContainingType)
        {
            foreach (var reference in current.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax() is Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax declaration
                    && !declaration.Modifiers.Any(m => m.Text == "partial"))
                {
                    return false;
                }
            }
        }
        return true;
    }
}
