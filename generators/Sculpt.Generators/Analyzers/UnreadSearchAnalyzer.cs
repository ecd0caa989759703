using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Sculpt.Generators.Parsing;

namespace Sculpt.Generators.Analyzers;

/// <summary>
/// SCULPT0024: a searched hyperparameter that nothing reads. Every trial would train the same model for it, so a search
/// over it spends trials on noise. A hyperparameter counts as read when code of the compilation reads the property
/// (a forward body, a sizes method, a computed size, a data source) or a model of its record names it in a declaration
/// (<c>[Linear("Hidden", ...)]</c>, a signature's dim). Reported only where the whole picture is in this compilation:
/// a trainer here uses the record and its model is declared here; inherited hyperparameters (the learning rate, the
/// batch size, ...) are read by Sculpt's trainer and are never reported.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnreadSearchAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.UnreadSearch);

    private static readonly Regex Identifier = new(@"[\p{L}_][\p{L}\p{Nd}_]*", RegexOptions.CultureInvariant);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (start.Compilation.GetTypeByMetadataName(KnownTypes.SearchRangeAttribute) is null) return;
            var read = new ConcurrentDictionary<IPropertySymbol, bool>(SymbolEqualityComparer.Default);
            // Names a model's declarations use, by the model's config record.
            var named = new ConcurrentDictionary<INamedTypeSymbol, ConcurrentDictionary<string, bool>>(SymbolEqualityComparer.Default);
            var trainers = new ConcurrentBag<INamedTypeSymbol>();
            start.RegisterOperationAction(operation =>
            {
                var reference = (IPropertyReferenceOperation)operation.Operation;
                for (var parent = reference.Parent; parent is not null; parent = parent.Parent)
                {
                    if (parent is INameOfOperation) return;
                }
                for (IPropertySymbol? property = reference.Property.OriginalDefinition; property is not null; property = property.OverriddenProperty)
                    read.TryAdd(property.OriginalDefinition, true);
            }, OperationKind.PropertyReference);
            start.RegisterSymbolAction(symbol =>
            {
                var type = (INamedTypeSymbol)symbol.Symbol;
                if (TrainerParser.TrainerBase(type) is not null) trainers.Add(type);
                if (type.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == KnownTypes.ModelAttribute) is not { } model
                    || ModelParser.ConfigOf(model) is not { } config) return;
                var names = named.GetOrAdd(config, _ => new ConcurrentDictionary<string, bool>());
                var attributes = type.GetAttributes().Concat(type.GetMembers().SelectMany(m => m.GetAttributes()));
                foreach (var text in attributes.SelectMany(a => a.ConstructorArguments.Concat(a.NamedArguments.Select(n => n.Value))).SelectMany(Strings))
                    foreach (Match match in Identifier.Matches(text)) names.TryAdd(match.Value, true);
            }, SymbolKind.NamedType);
            start.RegisterCompilationEndAction(end =>
            {
                var reported = new HashSet<Location>();
                foreach (var trainer in trainers)
                {
                    if (TrainerParser.TrainerBase(trainer) is not { } trainerBase
                        || trainerBase.TypeArguments[0] is not INamedTypeSymbol modelType || !modelType.Locations.Any(l => l.IsInSource)
                        || trainerBase.TypeArguments[2] is not INamedTypeSymbol config) continue;
                    var properties = HyperParametersParser.Properties(config).ToDictionary(p => p.Name);
                    foreach (var declaration in SearchDeclarations.Of(config))
                    {
                        if (declaration.Problem is not null || !properties.TryGetValue(declaration.PropertyName, out var property)) continue;
                        if (property.IsOverride || !property.Locations.Any(l => l.IsInSource) || read.ContainsKey(property.OriginalDefinition)) continue;
                        if (named.Any(pair => Related(pair.Key, property.ContainingType) && pair.Value.ContainsKey(property.Name))) continue;
                        if (declaration.Attribute.ApplicationSyntaxReference is not { } syntax) continue;
                        var location = syntax.GetSyntax(end.CancellationToken).GetLocation();
                        if (!reported.Add(location)) continue;
                        end.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UnreadSearch, location, property.Name, config.Name, modelType.Name));
                    }
                }
            });
        });
    }

    private static IEnumerable<string> Strings(TypedConstant constant) =>
        constant.Kind == TypedConstantKind.Array ? constant.Values.SelectMany(Strings)
        : constant.Value is string text ? [text]
        : [];

    /// <summary>A model's config and the record declaring the property: one derives from the other (or they are the same).</summary>
    private static bool Related(INamedTypeSymbol a, INamedTypeSymbol b) => DerivesFrom(a, b) || DerivesFrom(b, a);

    private static bool DerivesFrom(INamedTypeSymbol type, INamedTypeSymbol ancestor)
    {
        for (INamedTypeSymbol? current = type; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, ancestor.OriginalDefinition)) return true;
        }
        return false;
    }
}
