using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Sculpt.Generators.Layers;
using Sculpt.Generators.Model;
using Sculpt.Generators.Parsing;
using Sculpt.Generators.Shapes;

namespace Sculpt.Generators.Analyzers;

/// <summary>
/// Reports what would go wrong at run time in a declaration: shapes that cannot line up in a
/// forward body, signatures that do not parse, names that are not hyperparameters, sizes and
/// defaults out of range. Where a shape or value cannot be known it stays silent.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ModelAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.CallArgumentShape,
        DiagnosticDescriptors.ForwardResultShape,
        DiagnosticDescriptors.InvalidSignature,
        DiagnosticDescriptors.SignatureArity,
        DiagnosticDescriptors.UnknownHyperParameter,
        DiagnosticDescriptors.BranchShapes,
        DiagnosticDescriptors.StateName,
        DiagnosticDescriptors.SearchSpace,
        DiagnosticDescriptors.NotExportable,
        DiagnosticDescriptors.SearchCombination,
        DiagnosticDescriptors.InvalidLayerArgument,
        DiagnosticDescriptors.DefaultOutOfRange,
        DiagnosticDescriptors.BroadcastShape,
        DiagnosticDescriptors.CannotGenerate,
        DiagnosticDescriptors.UnsupportedHyperParameterType,
        DiagnosticDescriptors.InvalidTie,
        DiagnosticDescriptors.SubmodelCycle,
        DiagnosticDescriptors.FitsOnlyWhen);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (start.Compilation.GetTypeByMetadataName(KnownTypes.ModelAttribute) is null) return;
            start.RegisterSymbolAction(AnalyzeType, SymbolKind.NamedType);
            start.RegisterSyntaxNodeAction(AnalyzeForwardBody, SyntaxKind.MethodDeclaration);
        });
    }

    /// <summary>The root namespaces generated code names as <c>global::X</c>: a global type of one of these names hides it.</summary>
    private static readonly ImmutableHashSet<string> GeneratedRoots = ImmutableHashSet.Create("System", "TorchSharp", "Sculpt");

    private static void AnalyzeType(SymbolAnalysisContext context)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (Report(context, type, DeclarationRules.RolesProblem(type))) return;
        if (type.ContainingType is null && type.ContainingNamespace.IsGlobalNamespace && GeneratedRoots.Contains(type.Name))
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.CannotGenerate, type.Locations.FirstOrDefault(),
                $"a type named '{type.Name}' outside any namespace hides the namespace {type.Name} that Sculpt's generated code names (global::{type.Name}.…); rename it or declare it in a namespace"));
        }
        foreach (var attribute in type.GetAttributes())
        {
            switch (attribute.AttributeClass?.ToDisplayString())
            {
                case KnownTypes.HyperParametersAttribute:
                    if (Report(context, type, DeclarationRules.HyperParametersProblem(type))) break;
                    DefaultsInRange(context, type);
                    PropertyTypes(context, type);
                    SearchSpaces(context, type);
                    break;
                case KnownTypes.ModelAttribute:
                    if (Report(context, type, DeclarationRules.ModelProblem(type))) break;
                    var config = ModelParser.ConfigOf(attribute);
                    LayerMethods(context, type);
                    foreach (var property in type.GetMembers().OfType<IPropertySymbol>())
                    {
                        if (property.PartialDefinitionPart is null
                            && property.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == KnownTypes.SubmodelAttribute)
                            && ModelParser.SubmodelProblem(property, config) is { } problem)
                        {
                            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.CannotGenerate, property.Locations.FirstOrDefault(), problem));
                        }
                        else if (property.PartialDefinitionPart is null) RepeatArgument(context, type, property, config);
                        if (property.PartialDefinitionPart is null) LearnedTensor(context, type, property, config);
                    }
                    SubmodelCycle(context, type);
                    StateNames(context, type);
                    LayerArguments(context, type, config);
                    TiedWeights(context, type);
                    InitArguments(context, type, config);
                    ForwardSignature(context, type, ModelParser.DimNames(config));
                    break;
                case KnownTypes.TrainerAttribute:
                    Report(context, type, DeclarationRules.TrainerProblem(type));
                    break;
            }
        }
    }

    /// <summary>
    /// SCULPT0023: a combination of the sizes the config's search may give (choices, small integer ranges) under which a size
    /// comparison of the forward body fails, at the model's <c>[Forward]</c>. Each comparison is one the generated
    /// <c>ShapeErrors(config)</c> makes at run time; hyperparameters not searched take their defaults.
    /// </summary>
    private static void SearchCombinations(SyntaxNodeAnalysisContext context, IMethodSymbol method, INamedTypeSymbol type, HyperParameterSizes dimNames,
        IReadOnlyList<LayerSpec> layers, EquatableArray<ForwardParameter> parameters, Signature signature)
    {
        var model = type.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == KnownTypes.ModelAttribute);
        if (model is null || ModelParser.ConfigOf(model) is not { } config) return;
        if (!SymbolEqualityComparer.Default.Equals(ModelParser.Forward(type).Method, method)) return;
        // A size searched under a condition keeps its default where the condition fails, so not every combination occurs: left out.
        var searched = SearchDeclarations.Of(config).Where(d => d.Problem is null && d.Sizes.Count > 0 && !d.Attribute.NamedArguments.Any(a => a.Key == "When"))
            .GroupBy(d => d.PropertyName).Select(g => g.First()).ToList();
        if (searched.Count == 0) return;
        var forward = method.GetAttributes().First(a => a.AttributeClass?.ToDisplayString() == KnownTypes.ForwardAttribute);
        if (forward.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken) is not AttributeSyntax attribute) return;
        var (_, checks, _) = ForwardWalker.Rows(method, context.SemanticModel, type, layers, dimNames, parameters, signature.Outputs.Items, context.CancellationToken);
        // Only the searched sizes a comparison reads take part; at most 4,096 combinations are tried.
        static IEnumerable<string> SizesIn(Dim dim) => dim.Kind == DimKind.HyperParameter ? [dim.Name] : dim.Factors.SelectMany(SizesIn);
        var read = new HashSet<string>(checks.SelectMany(c => SizesIn(c.ExpectedDim).Concat(SizesIn(c.ActualDim))));
        var involved = searched.Where(d => read.Contains(d.PropertyName)).ToList();
        if (involved.Count == 0 || involved.Aggregate(1L, (n, d) => n * d.Sizes.Count) > 4096) return;
        IEnumerable<Dictionary<string, long>> combinations = [new Dictionary<string, long>()];
        foreach (var declaration in involved)
            combinations = combinations.SelectMany(c => declaration.Sizes.Select(size => new Dictionary<string, long>(c) { [declaration.PropertyName] = size }));
        foreach (var combination in combinations)
        {
            // A computed size (Wide => Hidden * 2) follows the combination, not its default.
            Dim Sized(Dim dim) => dimNames.Expand(dim).Rewrite(d =>
                d.Kind != DimKind.HyperParameter ? d
                : combination.TryGetValue(d.Name, out long size) ? Dim.Constant(size)
                : dimNames.IsComputed(d.Name) ? Dim.Unknown
                : d);
            foreach (var check in checks)
            {
                if (Sized(check.ExpectedDim).WithDefaults is not { } expected || Sized(check.ActualDim).WithDefaults is not { } actual || expected == actual) continue;
                string values = string.Join(" ", combination.Select(p => $"--{Names.KebabCase(p.Key)} {p.Value}"));
                string reason = $"{check.Subject} expects {check.Expected} but receives {check.Actual}: {check.Where} is {check.ActualDim.Text} = {actual}, not {check.ExpectedDim.Text} = {expected}";
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.SearchCombination, attribute.GetLocation(), values, type.Name, reason));
                return;
            }
        }
    }

    /// <summary>SCULPT0022: a <c>[SearchRange]</c> or <c>[SearchChoice]</c> of this record that no search could draw from, at the attribute.</summary>
    private static void SearchSpaces(SymbolAnalysisContext context, INamedTypeSymbol type)
    {
        foreach (var declaration in SearchDeclarations.Of(type))
        {
            // A base record's declarations are reported on the base.
            if (declaration.Problem is null || declaration.Attribute.ApplicationSyntaxReference is not { } reference
                || !type.DeclaringSyntaxReferences.Any(d => d.SyntaxTree == reference.SyntaxTree && d.Span.Contains(reference.Span))) continue;
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.SearchSpace, reference.GetSyntax(context.CancellationToken).GetLocation(), declaration.Problem));
        }
    }

    /// <summary>SCULPT0017: a chain of <c>[Submodel]</c>s that leads back to the model, whose constructor would never finish.</summary>
    private static void SubmodelCycle(SymbolAnalysisContext context, INamedTypeSymbol type)
    {
        foreach (var (property, block) in Submodels(type))
        {
            if (PathBack(block, type, new HashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default)) is not { } rest) continue;
            string path = string.Join(" -> ", new[] { $"{type.Name}.{property.Name}" }.Concat(rest).Append(type.Name));
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.SubmodelCycle, property.Locations.FirstOrDefault(), type.Name,
                $"{path}, so building it would never end"));
            return;
        }

        static List<string>? PathBack(INamedTypeSymbol current, INamedTypeSymbol target, HashSet<INamedTypeSymbol> visited)
        {
            if (SymbolEqualityComparer.Default.Equals(current, target)) return [];
            if (!visited.Add(current)) return null;
            foreach (var (property, block) in Submodels(current))
            {
                if (PathBack(block, target, visited) is { } rest)
                {
                    rest.Insert(0, $"{current.Name}.{property.Name}");
                    return rest;
                }
            }
            return null;
        }
    }

    /// <summary>
    /// SCULPT0021: a <c>[StateName]</c> that is no state-dict name, one that another component of the model already has
    /// (its own name or another's <c>[StateName]</c>), or one on a member that is no layer, sub-model or learned tensor;
    /// a <c>[RenameWeights]</c> pattern that is no regular expression.
    /// </summary>
    private static void StateNames(SymbolAnalysisContext context, INamedTypeSymbol type)
    {
        var taken = new Dictionary<string, (string Member, Location? Location)>();
        foreach (var member in type.GetMembers())
        {
            if (member is IMethodSymbol { PartialImplementationPart: null, PartialDefinitionPart: not null } or IPropertySymbol { PartialDefinitionPart: not null }) continue;
            bool component = member.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() is KnownTypes.SubmodelAttribute or KnownTypes.ParameterAttribute
                || ModelParser.LayerKindOf(a.AttributeClass?.ToDisplayString()) is not null);
            var attribute = member.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == KnownTypes.StateNameAttribute);
            var location = attribute?.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).GetLocation() ?? member.Locations.FirstOrDefault();
            if (attribute is not null && !component)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.StateName, location,
                    $"[StateName] on '{member.Name}', which is no layer, sub-model or learned tensor: only those have a place in the state dict"));
                continue;
            }
            if (!component) continue;
            string name = member.Name;
            if (attribute is { ConstructorArguments: [{ Value: string given }] })
            {
                if (DeclarationRules.StateNameProblem(given) is { } problem)
                {
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.StateName, location, $"[StateName] on '{member.Name}': {problem}"));
                    continue;
                }
                name = given;
            }
            if (taken.TryGetValue(name, out var first))
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.StateName, location,
                    $"'{member.Name}' and '{first.Member}' would both be saved as '{name}'; give one another [StateName]"));
            }
            else taken[name] = (member.Name, location);
        }
        // A component is a leaf of the state tree: no other name may pass through it (features.1 and features.1.0).
        foreach (var inner in taken)
        {
            if (taken.Keys.FirstOrDefault(outer => inner.Key.StartsWith(outer + ".", System.StringComparison.Ordinal)) is { } prefix)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.StateName, inner.Value.Location,
                    $"'{inner.Value.Member}' is saved as '{inner.Key}', inside '{taken[prefix].Member}' ('{prefix}'), which is a component of its own; a state name cannot pass through another"));
            }
        }
        foreach (var attribute in type.GetAttributes().Where(a => a.AttributeClass?.ToDisplayString() == KnownTypes.RenameWeightsAttribute))
        {
            if (attribute.ConstructorArguments is [{ Value: string pattern }, ..] && DeclarationRules.RenameProblem(pattern) is { } problem)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.StateName,
                    attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).GetLocation() ?? type.Locations.FirstOrDefault(), $"[RenameWeights]: {problem}"));
            }
        }
    }

    /// <summary>The declared <c>[Submodel]</c> properties Sculpt builds, with their block types.</summary>
    private static IEnumerable<(IPropertySymbol Property, INamedTypeSymbol Block)> Submodels(INamedTypeSymbol type) =>
        type.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == KnownTypes.ModelAttribute) is { } model
            ? ModelParser.Submodels(type, ModelParser.ConfigOf(model)).Select(s => (s.Property, ModelParser.BlockType(s.Property)!))
            : [];

    /// <summary>SCULPT0005 on <c>[Submodel(Repeat = "...")]</c> naming no integer hyperparameter.</summary>
    private static void RepeatArgument(SymbolAnalysisContext context, INamedTypeSymbol type, IPropertySymbol property, INamedTypeSymbol? config)
    {
        if (ModelParser.RepeatOf(property) is not { IsHyperParameter: true } repeat) return;
        var integers = ModelParser.DimNames(config);
        if (integers.Contains(repeat.HyperParameter!)) return;
        var attribute = property.GetAttributes().First(a => a.AttributeClass?.ToDisplayString() == KnownTypes.SubmodelAttribute);
        var location = (attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken) as AttributeSyntax)?.ArgumentList?.Arguments
            .FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == "Repeat")?.Expression.GetLocation() ?? property.Locations.FirstOrDefault();
        if (config is not null && HyperParametersParser.Properties(config).FirstOrDefault(p => p.Name == repeat.HyperParameter) is { } other)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InvalidLayerArgument, location,
                "Repeat", property.Name, "an integer hyperparameter or a count", $"'{other.Name}' ({other.Type.ToDisplayString()})"));
            return;
        }
        string hint = config is null
            ? " (the model has no hyperparameters: declare them with [Model(typeof(...))])"
            : Suggestion(repeat.HyperParameter!, integers);
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UnknownHyperParameter, location, repeat.HyperParameter, config?.Name ?? type.Name, hint));
    }

    /// <summary>SCULPT0009 on the type's name; true when there was a problem.</summary>
    private static bool Report(SymbolAnalysisContext context, INamedTypeSymbol type, string? problem)
    {
        if (problem is null) return false;
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.CannotGenerate, type.Locations.FirstOrDefault(), problem));
        return true;
    }

    /// <summary>SCULPT0010: settable public properties of a type flags and JSON cannot carry.</summary>
    private static void PropertyTypes(SymbolAnalysisContext context, INamedTypeSymbol type)
    {
        foreach (var property in type.GetMembers().OfType<IPropertySymbol>())
        {
            if (property.IsStatic || property.IsIndexer || property.DeclaredAccessibility != Accessibility.Public) continue;
            if (property.SetMethod is not { DeclaredAccessibility: Accessibility.Public } || property.Name == "EqualityContract") continue;
            if (HyperParametersParser.KindOf(property.Type) is not null) continue;
            var location = property.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(context.CancellationToken) is PropertyDeclarationSyntax declaration
                ? declaration.Type.GetLocation()
                : property.Locations.FirstOrDefault();
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.UnsupportedHyperParameterType, location, property.Name, property.Type.ToDisplayString()));
        }
    }

    /// <summary>SCULPT0009 on layer methods: one layer attribute, one tensor in, one out; and on the forward method.</summary>
    private static void LayerMethods(SymbolAnalysisContext context, INamedTypeSymbol type)
    {
        foreach (var method in type.GetMembers().OfType<IMethodSymbol>())
        {
            if (method.PartialDefinitionPart is not null) continue;
            var layers = method.GetAttributes().Where(a => ModelParser.LayerKindOf(a.AttributeClass?.ToDisplayString()) is not null).ToList();
            if (layers.Count > 1 && layers[1].ApplicationSyntaxReference?.GetSyntax(context.CancellationToken) is { } second)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.CannotGenerate, second.GetLocation(),
                    $"'{method.Name}' has more than one layer attribute; a layer method declares one layer"));
            }
            if (layers.Count > 0 && LayerCatalog.ByAttribute(layers[0].AttributeClass?.ToDisplayString()) is { } definition
                && DeclarationRules.LayerMethodProblem(method, definition) is { } problem)
            {
                bool onReturnType = DeclarationRules.LayerReturnProblem(method, definition) == problem;
                var location = onReturnType && method.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(context.CancellationToken) is MethodDeclarationSyntax syntax
                    ? syntax.ReturnType.GetLocation()
                    : method.Locations.FirstOrDefault();
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.CannotGenerate, location, problem));
            }
        }
        var (forward, _) = ModelParser.Forward(type);
        if (forward is not null && DeclarationRules.ForwardProblem(forward) is { } forwardProblem)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.CannotGenerate, forward.Locations.FirstOrDefault(), forwardProblem));
        }
    }

    /// <summary>SCULPT0011: <c>TiedTo</c> names no Embedding or Linear of the model, or one whose weight certainly has another shape.</summary>
    private static void TiedWeights(SymbolAnalysisContext context, INamedTypeSymbol type)
    {
        var layers = ModelParser.Layers(type).ToList();
        foreach (var (layer, method, attribute) in layers)
        {
            var argument = attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken) is AttributeSyntax { ArgumentList: { } list }
                ? list.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == "TiedTo")
                : null;
            if (argument is null || LayerCatalog.Of(layer.Kind) is not Layers.Linear || attribute.NamedArguments.FirstOrDefault(a => a.Key == "TiedTo").Value.Value is not string name) continue;
            string? problem;
            if (ModelParser.TieTarget(layers.Select(l => l.Spec), name) is not { } target)
            {
                var candidates = layers.Where(l => LayerCatalog.Of(l.Spec.Kind) is Layers.Embedding or Layers.Linear && l.Spec.Name != layer.Name).Select(l => l.Spec.Name).ToList();
                problem = layers.Any(l => l.Spec.Name == name)
                    ? "only an Embedding or an untied Linear can lend its weight"
                    : $"the model has no layer of that name{Suggestion(name, candidates)}";
            }
            else
            {
                var (rows, columns) = ModelParser.WeightShape(layer);
                var (targetRows, targetColumns) = ModelParser.WeightShape(target);
                problem = Differs(rows, targetRows) || Differs(columns, targetColumns)
                    ? $"its weight is [{Text(rows)}, {Text(columns)}] and the {target.Kind} weight is [{Text(targetRows)}, {Text(targetColumns)}]"
                    : null;
            }
            if (problem is not null)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InvalidTie, argument.Expression.GetLocation(), method.Name, name, problem));
            }
        }

        static bool Differs(LayerArgument a, LayerArgument b) => !a.IsHyperParameter && !b.IsHyperParameter && a.Literal != b.Literal;
        static string Text(LayerArgument a) => a.IsHyperParameter ? a.HyperParameter! : Format(a.Literal);
    }

    /// <summary>SCULPT0005 and SCULPT0006 on <c>[Init]</c>: a depth that is not an integer hyperparameter, a std that is not positive.</summary>
    private static void InitArguments(SymbolAnalysisContext context, INamedTypeSymbol type, INamedTypeSymbol? config)
    {
        var integers = ModelParser.DimNames(config);
        foreach (var method in type.GetMembers().OfType<IMethodSymbol>())
        {
            var init = method.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == KnownTypes.InitAttribute);
            if (init?.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken) is not AttributeSyntax { ArgumentList: { } list }) continue;
            foreach (var argument in list.Arguments.Where(a => a.NameEquals is not null))
            {
                string name = argument.NameEquals!.Name.Identifier.ValueText;
                var value = init.NamedArguments.FirstOrDefault(a => a.Key == name).Value.Value;
                if (name == "ScaleByDepth" && value is string depth && !integers.Contains(depth))
                {
                    string hint = config is null
                        ? " (the model has no hyperparameters: declare them with [Model(typeof(...))])"
                        : Suggestion(depth, integers);
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UnknownHyperParameter, argument.Expression.GetLocation(), depth, config?.Name ?? type.Name, hint));
                }
                if (name == "Std" && value is double std && !(std > 0))
                {
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InvalidLayerArgument, argument.Expression.GetLocation(), "The initial std", method.Name, "positive", Format(std)));
                }
            }
        }
    }

    /// <summary>SCULPT0007: a literal default outside its <c>[Range]</c>.</summary>
    private static void DefaultsInRange(SymbolAnalysisContext context, INamedTypeSymbol type)
    {
        foreach (var property in type.GetMembers().OfType<IPropertySymbol>())
        {
            if (HyperParametersParser.RangeOf(property) is not var (minimum, maximum)) continue;
            foreach (var reference in property.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(context.CancellationToken) is PropertyDeclarationSyntax { Initializer.Value: { } value }
                    && Number(value) is { } number && (number < minimum || number > maximum))
                {
                    context.ReportDiagnostic(Diagnostic.Create(
                        DiagnosticDescriptors.DefaultOutOfRange, value.GetLocation(),
                        property.Name, Format(number), Format(minimum), Format(maximum)));
                }
            }
        }
    }

    /// <summary>SCULPT0005 and SCULPT0006: names that are not hyperparameters, literal sizes and rates out of range.</summary>
    private static void LayerArguments(SymbolAnalysisContext context, INamedTypeSymbol type, INamedTypeSymbol? config)
    {
        var properties = config is null
            ? new Dictionary<string, IPropertySymbol>()
            : HyperParametersParser.Properties(config).Concat(HyperParametersParser.ComputedSizes(config)).ToDictionary(p => p.Name);
        var sizes = ModelParser.DimNames(config, withDefaults: true);
        foreach (var method in type.GetMembers().OfType<IMethodSymbol>())
        {
            foreach (var attribute in method.GetAttributes())
            {
                if (ModelParser.LayerKindOf(attribute.AttributeClass?.ToDisplayString()) is not var (kind, arity)) continue;
                if (attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken) is not AttributeSyntax { ArgumentList: { } list }) continue;
                var definition = LayerCatalog.Of(kind);
                var arguments = list.Arguments.Where(a => a.NameEquals is null && a.NameColon is null).ToList();
                var literals = new double?[arity];
                // What a hyperparameter argument is with its literal default: relations between sizes are checked under them too.
                var defaults = new (string Name, long Value)?[arity];
                for (int i = 0; i < attribute.ConstructorArguments.Length && i < arguments.Count && i < arity; i++)
                {
                    var value = attribute.ConstructorArguments[i].Kind == TypedConstantKind.Primitive ? attribute.ConstructorArguments[i].Value : null;
                    var location = arguments[i].Expression.GetLocation();
                    var role = definition.Arguments[i];
                    if (attribute.ConstructorArguments[i].Kind == TypedConstantKind.Array)
                    {
                        PerDimProblem(context, method, definition, attribute.ConstructorArguments[i], role == Layers.Sizes.Kernel ? "KernelSize" : "", role.Description, location);
                        continue;
                    }
                    if (value is string expression && SizeExpression.IsExpression(expression))
                    {
                        SizeExpressionArgument(context, method, config, type, arguments[i], expression, role, sizes, properties.Keys);
                        if (sizes.Expression(expression) is { WithDefaults: { } computed }) defaults[i] = (SizeExpression.Normalize(expression), computed);
                    }
                    else if (value is string name)
                    {
                        if (!properties.TryGetValue(name, out var property))
                        {
                            string hint = config is null
                                ? " (the model has no hyperparameters: declare them with [Model(typeof(...))])"
                                : Suggestion(name, properties.Keys);
                            context.ReportDiagnostic(Diagnostic.Create(
                                DiagnosticDescriptors.UnknownHyperParameter, location, name, config?.Name ?? type.Name, hint));
                        }
                        else if (role.Role == ArgumentRole.Size && HyperParametersParser.KindOf(property.Type) is not (ValueKind.Int32 or ValueKind.Int64))
                        {
                            context.ReportDiagnostic(Diagnostic.Create(
                                DiagnosticDescriptors.InvalidLayerArgument, location, role.Description, method.Name, "an integer hyperparameter", $"'{name}' ({property.Type.ToDisplayString()})"));
                        }
                        else if (sizes.Default(name) is { } fallback)
                        {
                            defaults[i] = (name, fallback);
                        }
                    }
                    else if (HyperParametersParser.AsDouble(value) is { } number)
                    {
                        literals[i] = number;
                        string? requirement = role.Role switch
                        {
                            ArgumentRole.Size => number < 1 || number != System.Math.Floor(number) ? "a positive integer" : null,
                            ArgumentRole.Positive => !(number > 0) || double.IsInfinity(number) ? "a positive number" : null,
                            _ => !(number >= 0 && number < 1) ? "in [0, 1)" : null,
                        };
                        if (requirement is not null)
                        {
                            context.ReportDiagnostic(Diagnostic.Create(
                                DiagnosticDescriptors.InvalidLayerArgument, location, role.Description, method.Name, requirement, Format(number)));
                        }
                    }
                }
                // The sizes as relations see them: a literal, or a hyperparameter under its declared default.
                var sizeValues = literals.Select((l, i) => l is { } v ? (v, Format(v)) : defaults[i] is { } d ? ((double)d.Value, $"{d.Name} = {d.Value} with the defaults") : ((double, string)?)null).ToList();
                LayerOptions(context, method, definition, attribute, list, sizeValues);
                SymbolicOptions(context, method, type, config, definition, attribute, list, properties);
                foreach (var argument in list.Arguments.Where(a => a.NameEquals is not null))
                {
                    string option = argument.NameEquals!.Name.Identifier.ValueText;
                    if (attribute.NamedArguments.FirstOrDefault(a => a.Key == option).Value is { Kind: TypedConstantKind.Array } perDim)
                        PerDimProblem(context, method, definition, perDim, option, "The " + option.ToLowerInvariant(), argument.Expression.GetLocation());
                }
                if (definition.Divides is var (divisor, dividend) && arguments.Count > System.Math.Max(divisor, dividend)
                    && (literals[dividend] ?? defaults[dividend]?.Value) is { } whole && (literals[divisor] ?? defaults[divisor]?.Value) is { } part && part >= 1 && whole % part != 0)
                {
                    // A default is named with its value: the relation fails as declared, and another value may mend it.
                    string wholeText = defaults[dividend] is { } d ? $"{d.Name} = {d.Value} with the defaults" : Format(whole);
                    string partText = defaults[divisor] is { } h ? $"{h.Name} = {h.Value} with the defaults" : Format(part);
                    string wholeName = definition.Arguments[dividend].Description;
                    context.ReportDiagnostic(Diagnostic.Create(
                        DiagnosticDescriptors.InvalidLayerArgument, arguments[divisor].Expression.GetLocation(), definition.Arguments[divisor].Description, method.Name,
                        $"a divisor of {char.ToLowerInvariant(wholeName[0]) + wholeName.Substring(1)} ({wholeText})", partText));
                }
            }
        }
    }

    /// <summary>
    /// SCULPT0005 on a name in a size expression that is no integer hyperparameter, SCULPT0006 on an
    /// expression that is not arithmetic over sizes or stands where a rate goes; each at the part at fault.
    /// </summary>
    private static void SizeExpressionArgument(SymbolAnalysisContext context, IMethodSymbol method, INamedTypeSymbol? config, INamedTypeSymbol type,
        AttributeArgumentSyntax argument, string expression, LayerArgumentDefinition role, HyperParameterSizes sizes, IEnumerable<string> names)
    {
        var location = argument.Expression.GetLocation();
        if (role.Role != ArgumentRole.Size)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InvalidLayerArgument, location, role.Description, method.Name, "a number or the name of a hyperparameter", $"'{expression}'"));
            return;
        }
        string? unknown = null;
        var (_, error) = SizeExpression.Parse(expression, name =>
        {
            if (sizes.Contains(name)) return Dim.HyperParameter(name);
            unknown ??= name;
            return null;
        });
        if (error is null) return;
        // The span inside the string literal, when the literal is written plainly (no escapes) so offsets agree.
        if (argument.Expression is LiteralExpressionSyntax literal && literal.Token.Text == "\"" + expression + "\"" && error.Start < expression.Length)
        {
            location = Location.Create(literal.SyntaxTree, new TextSpan(literal.SpanStart + 1 + error.Start, error.Length));
        }
        if (unknown is not null)
        {
            string hint = config is null
                ? " (the model has no hyperparameters: declare them with [Model(typeof(...))])"
                : Suggestion(unknown, names);
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UnknownHyperParameter, location, unknown, config?.Name ?? type.Name, hint));
        }
        else
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InvalidLayerArgument, location, role.Description, method.Name, "arithmetic of integers and integer hyperparameters", $"'{expression}' ({error.Message})"));
        }
    }

    /// <summary>
    /// A setting written as a name (<c>Groups = "Channels"</c>): SCULPT0005 when it names no hyperparameter, SCULPT0006 when
    /// the hyperparameter is no integer.
    /// </summary>
    private static void SymbolicOptions(SymbolAnalysisContext context, IMethodSymbol method, INamedTypeSymbol type, INamedTypeSymbol? config,
        LayerDefinition definition, AttributeData attribute, AttributeArgumentListSyntax list, IReadOnlyDictionary<string, IPropertySymbol> properties)
    {
        foreach (var argument in list.Arguments.Where(a => a.NameEquals is not null))
        {
            string option = argument.NameEquals!.Name.Identifier.ValueText;
            if (attribute.NamedArguments.FirstOrDefault(a => a.Key == option).Value is not { Kind: not TypedConstantKind.Array, Value: string name }) continue;
            var location = argument.Expression.GetLocation();
            // Other string settings (TiedTo) are no sizes; a pooling window's settings take numbers only.
            if (!definition.SymbolicOptions.Contains(option))
            {
                if (definition.Options.Any(o => o.Name == option))
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InvalidLayerArgument, argument.Expression.GetLocation(), "The " + option.ToLowerInvariant(), method.Name,
                        "an integer (this setting cannot name a hyperparameter)", $"'{name}'"));
                continue;
            }
            if (!properties.TryGetValue(name, out var property))
            {
                string hint = config is null ? " (the model has no hyperparameters: declare them with [Model(typeof(...))])" : Suggestion(name, properties.Keys);
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UnknownHyperParameter, location, name, config?.Name ?? type.Name, hint));
            }
            else if (HyperParametersParser.KindOf(property.Type) is not (ValueKind.Int32 or ValueKind.Int64))
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InvalidLayerArgument, location, "The " + option.ToLowerInvariant(), method.Name,
                    "an integer or an integer hyperparameter", $"'{name}' ({property.Type.ToDisplayString()})"));
            }
        }
    }

    /// <summary>SCULPT0006 on a size or setting given per dim (<c>new[] { 1, 7 }</c>) where the layer takes none, or with the wrong count or values.</summary>
    private static void PerDimProblem(SymbolAnalysisContext context, IMethodSymbol method, LayerDefinition definition, TypedConstant value, string name, string what, Location location)
    {
        if (ModelParser.PerDim(value, definition, name) is not null) return;
        string requirement = definition.PerDimCount == 0 || !definition.PerDimNames.Contains(name)
            ? "one value for every dim (this layer takes no value per dim)"
            : $"{definition.PerDimCount} integers, one per spatial dim, each at least {(name == "Padding" ? 0 : 1)}";
        string given = value.IsNull ? "null" : "{ " + string.Join(", ", value.Values.Select(v => System.Convert.ToString(v.Value, System.Globalization.CultureInfo.InvariantCulture))) + " }";
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InvalidLayerArgument, location, what, method.Name, requirement, given));
    }

    /// <summary>SCULPT0006 on named settings: strides, paddings and groups that no layer can use.</summary>
    private static void LayerOptions(SymbolAnalysisContext context, IMethodSymbol method, LayerDefinition definition, AttributeData attribute, AttributeArgumentListSyntax list, IReadOnlyList<(double Value, string Text)?> sizes)
    {
        foreach (var argument in list.Arguments.Where(a => a.NameEquals is not null))
        {
            string name = argument.NameEquals!.Name.Identifier.ValueText;
            var option = definition.Options.FirstOrDefault(o => o.Name == name);
            // A literal as written, else the constant the compiler made of it (float.NaN into an object-typed setting).
            var constant = attribute.NamedArguments.FirstOrDefault(a => a.Key == name).Value;
            double? written = Number(argument.Expression)
                ?? (constant.Kind == TypedConstantKind.Primitive && constant.Value is not bool and not string ? HyperParametersParser.AsDouble(constant.Value) : null);
            if (option is null || written is not { } value) continue;
            string? requirement = !option.Integer
                ? option.Fits(value) ? null : option.Requirement
                : value < option.Minimum || value != System.Math.Floor(value) ? option.Minimum == 0 ? "a non-negative integer" : "a positive integer" : null;
            // A setting turned on with a literal true, as OptionProblem is told.
            var set = list.Arguments.Where(a => a.NameEquals is not null && a.Expression is LiteralExpressionSyntax { RawKind: (int)SyntaxKind.TrueLiteralExpression })
                .Select(a => a.NameEquals!.Name.Identifier.ValueText).ToList();
            requirement ??= definition.OptionProblem(name, value, sizes, set);
            if (requirement is not null)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.InvalidLayerArgument, argument.Expression.GetLocation(), "The " + name.ToLowerInvariant(), method.Name, requirement, Format(value)));
            }
        }
    }

    /// <summary>SCULPT0003 and SCULPT0004: the <c>[Forward]</c> signature parses and matches the method.</summary>
    private static void ForwardSignature(SymbolAnalysisContext context, INamedTypeSymbol type, ICollection<string> dimNames)
    {
        var (method, text) = ModelParser.Forward(type);
        if (method is null || text is null) return;
        var attribute = method.GetAttributes().First(a => a.AttributeClass?.ToDisplayString() == KnownTypes.ForwardAttribute);
        if (attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken) is not AttributeSyntax { ArgumentList.Arguments: [var argument, ..] }) return;

        var (signature, error) = SignatureParser.Parse(text, dimNames);
        if (error is not null)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InvalidSignature, InsideString(argument.Expression, error.Start, error.Length), error.Message));
            return;
        }
        if (signature!.Inputs.Count != method.Parameters.Length)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.SignatureArity, argument.Expression.GetLocation(),
                Count(signature.Inputs.Count, "input"), method.Name, "takes " + Count(method.Parameters.Length, "parameter")));
        }
        else if (ResultsProblem(method, signature) is { } returns)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.SignatureArity, argument.Expression.GetLocation(),
                Count(signature.Outputs.Count, "result"), method.Name, returns));
        }
    }

    /// <summary>
    /// What a method declared to return several tensors returns instead of a tuple of that many, or null: a signature
    /// with results separated by commas (<c>-&gt; B 10, B 4</c>) belongs to a method returning <c>(Tensor, Tensor)</c>.
    /// </summary>
    private static string? ResultsProblem(IMethodSymbol method, Signature signature)
    {
        int count = DeclarationRules.ReturnedTensors(method);
        if (count == signature.Outputs.Count || signature.Outputs.Count == 1 && count == -1) return null;
        return count switch
        {
            -1 => $"returns {method.ReturnType.ToDisplayString()}; return a tuple of {signature.Outputs.Count} Tensors",
            1 => $"returns one Tensor; return ({string.Join(", ", Enumerable.Repeat("Tensor", signature.Outputs.Count))})",
            _ => $"returns {count} Tensors",
        };
    }

    /// <summary>SCULPT0001, SCULPT0002, SCULPT0008: shapes through a forward body or a <c>[Shape]</c> helper's body.</summary>
    /// <summary>SCULPT0025: a model declared <c>[Model(Exportable = true)]</c> whose forward has no ONNX form, at the part that has none.</summary>
    private static void Exportable(SyntaxNodeAnalysisContext context, IMethodSymbol method, INamedTypeSymbol type, IReadOnlyList<LayerSpec> layers)
    {
        var model = type.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == KnownTypes.ModelAttribute);
        if (model is null || !model.NamedArguments.Any(a => a.Key == "Exportable" && a.Value.Value is true)) return;
        if (!SymbolEqualityComparer.Default.Equals(ModelParser.Forward(type).Method, method)) return;
        var (_, problem, at) = OnnxTwin.Rewrite(method, context.SemanticModel, type, layers, DeclarationRules.ReturnedTensors(method));
        if (problem is null) return;
        var location = at?.GetLocation() ?? method.Locations.FirstOrDefault();
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.NotExportable, location, type.Name, problem));
    }

    private static void AnalyzeForwardBody(SyntaxNodeAnalysisContext context)
    {
        var syntax = (MethodDeclarationSyntax)context.Node;
        if (syntax.AttributeLists.Count == 0) return;
        if (context.SemanticModel.GetDeclaredSymbol(syntax, context.CancellationToken) is not { } method) return;
        var type = method.ContainingType;
        var (dimNames, text) = ForwardWalker.SignatureSource(method);
        if (text is null) return;

        var (signature, error) = SignatureParser.Parse(text, dimNames);
        if (error is not null || signature!.Inputs.Count != method.Parameters.Length)
        {
            // A [Forward] signature is reported with its type; a helper's is reported here.
            var shape = method.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == KnownTypes.ShapeAttribute);
            if (shape?.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken) is AttributeSyntax { ArgumentList.Arguments: [var argument, ..] })
            {
                context.ReportDiagnostic(error is not null
                    ? Diagnostic.Create(DiagnosticDescriptors.InvalidSignature, InsideString(argument.Expression, error.Start, error.Length), error.Message)
                    : Diagnostic.Create(DiagnosticDescriptors.SignatureArity, argument.Expression.GetLocation(),
                        Count(signature!.Inputs.Count, "input"), method.Name, "takes " + Count(method.Parameters.Length, "parameter")));
            }
            return;
        }
        if (ResultsProblem(method, signature) is { } returns)
        {
            // A [Forward]'s results are reported with its type (ForwardSignature); a helper's here.
            var shape = method.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == KnownTypes.ShapeAttribute);
            if (shape?.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken) is AttributeSyntax { ArgumentList.Arguments: [var argument, ..] })
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.SignatureArity, argument.Expression.GetLocation(),
                    Count(signature.Outputs.Count, "result"), method.Name, returns));
            }
            return;
        }
        var parameters = method.Parameters.Select((p, i) => new ForwardParameter(p.Name, signature.Inputs[i])).ToEquatableArray();
        var layers = ForwardWalker.LayersWithDefaults(type, dimNames);

        SearchCombinations(context, method, type, dimNames, layers, parameters, signature);
        Exportable(context, method, type, layers);
        ForwardWalker.Walk(syntax, context.SemanticModel, type, layers, dimNames, parameters, signature.Outputs.Items, problem =>
        {
            var fix = ImmutableDictionary<string, string?>.Empty;
            if (problem.FixLayer is not null && problem.FixSize is { } size)
            {
                fix = fix.Add(FixProperties.LinearLayer, problem.FixLayer).Add(FixProperties.InputSize, size.ToString(CultureInfo.InvariantCulture));
            }
            if (problem.FixOutput is not null) fix = fix.Add(FixProperties.Output, problem.FixOutput);
            var diagnostic = problem.Kind switch
            {
                ShapeProblemKind.CallArgument => Diagnostic.Create(
                    DiagnosticDescriptors.CallArgumentShape, problem.Node.GetLocation(), fix,
                    problem.Subject, problem.Expected, problem.Actual, problem.Reason, problem.Suggestion is null ? "" : $"; try {problem.Suggestion}"),
                ShapeProblemKind.Branches => Diagnostic.Create(
                    DiagnosticDescriptors.BranchShapes, problem.Node.GetLocation(), problem.Subject, problem.Expected, problem.Suggestion, problem.Actual, problem.Reason),
                ShapeProblemKind.OnlyWhen => Diagnostic.Create(
                    DiagnosticDescriptors.FitsOnlyWhen, problem.Node.GetLocation(), problem.Subject, problem.Expected, problem.Actual, problem.Reason),
                ShapeProblemKind.ForwardResult => Diagnostic.Create(
                    DiagnosticDescriptors.ForwardResultShape, problem.Node.GetLocation(), fix, problem.Expected, problem.Actual, problem.Reason),
                _ => Diagnostic.Create(
                    DiagnosticDescriptors.BroadcastShape, problem.Node.GetLocation(), problem.Subject, problem.Expected, problem.Actual, problem.Reason),
            };
            context.ReportDiagnostic(diagnostic);
        }, context.CancellationToken);
    }

    /// <summary>
    /// A <c>[Parameter]</c> property: SCULPT0009 when Sculpt cannot implement it, SCULPT0003 on a shape that does not
    /// parse, SCULPT0005 on a name that is no integer hyperparameter (its sizes must be known when the model is built).
    /// </summary>
    private static void LearnedTensor(SymbolAnalysisContext context, INamedTypeSymbol type, IPropertySymbol property, INamedTypeSymbol? config)
    {
        var attribute = property.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == KnownTypes.ParameterAttribute);
        if (attribute is null) return;
        if (DeclarationRules.LearnedProblem(property) is { } problem)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.CannotGenerate, property.Locations.FirstOrDefault(), problem));
            return;
        }
        if (attribute.ConstructorArguments is not [{ Value: string text }]
            || attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken) is not AttributeSyntax { ArgumentList.Arguments: [var argument, ..] }) return;
        var sizes = ModelParser.DimNames(config);
        var (shape, error) = SignatureParser.ParseShape(text, 0, text.Length, sizes);
        if (error is not null)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InvalidSignature, InsideString(argument.Expression, error.Start, error.Length), error.Message));
            return;
        }
        int at = 0;
        foreach (var token in text.Split(' '))
        {
            foreach (var name in System.Text.RegularExpressions.Regex.Matches(token, "[A-Za-z_][A-Za-z0-9_]*").Cast<System.Text.RegularExpressions.Match>())
            {
                if (sizes.Contains(name.Value)) continue;
                string hint = config is null
                    ? " (the model has no hyperparameters: declare them with [Model(typeof(...))]); a learned tensor's sizes are known when the model is built"
                    : Suggestion(name.Value, sizes) + "; a learned tensor's sizes are known when the model is built";
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UnknownHyperParameter, InsideString(argument.Expression, at + name.Index, name.Length), name.Value, config?.Name ?? type.Name, hint));
                return;
            }
            at += token.Length + 1;
        }
    }

    /// <summary>
    /// The span of characters <paramref name="start"/>..+<paramref name="length"/> inside a plain
    /// string literal; the whole expression when the literal has escapes or is not a literal.
    /// </summary>
    private static Location InsideString(ExpressionSyntax expression, int start, int length)
    {
        if (expression is LiteralExpressionSyntax literal && literal.Token.IsKind(SyntaxKind.StringLiteralToken)
            && literal.Token.Text.Length == literal.Token.ValueText.Length + 2 && literal.Token.Text[0] == '"')
        {
            return Location.Create(expression.SyntaxTree, new TextSpan(literal.Token.SpanStart + 1 + start, length));
        }
        return expression.GetLocation();
    }

    /// <summary>The value of a numeric literal, possibly negated; null for anything else.</summary>
    private static double? Number(ExpressionSyntax expression) => expression switch
    {
        LiteralExpressionSyntax { Token.Value: var value } => HyperParametersParser.AsDouble(value),
        PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.UnaryMinusExpression, Operand: var operand } => -Number(operand),
        _ => null,
    };

    private static string Suggestion(string name, IEnumerable<string> known) =>
        Sculpt.Text.EditDistance.Closest(name, known) is { } best ? $"; did you mean '{best}'?" : "";

    private static string Count(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
