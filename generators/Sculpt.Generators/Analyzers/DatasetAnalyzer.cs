using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Sculpt.Generators.Model;
using Sculpt.Generators.Parsing;
using Sculpt.Generators.Shapes;

namespace Sculpt.Generators.Analyzers;

/// <summary>
/// Checks dataset declarations (what cannot be loaded as written) and the contract between a
/// trainer's dataset, model and loss: the samples must fit the forward input, the labels must
/// suit the loss, and the output must have a slot per class or target. A dim the declarations
/// leave open (a symbol, a hyperparameter, <c>*batch</c>) is not checked.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DatasetAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.CannotGenerate,
        DiagnosticDescriptors.InvalidDatasetSetting,
        DiagnosticDescriptors.InvalidColumns,
        DiagnosticDescriptors.SampleShape,
        DiagnosticDescriptors.LabelKind,
        DiagnosticDescriptors.OutputSize);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (start.Compilation.GetTypeByMetadataName(KnownTypes.CsvDatasetAttribute) is null) return;
            start.RegisterSymbolAction(AnalyzeType, SymbolKind.NamedType);
        });
    }

    private static void AnalyzeType(SymbolAnalysisContext context)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (DatasetParser.DatasetAttributeOf(type) is { } dataset)
        {
            var problems = new List<DatasetProblem>();
            DatasetParser.Describe(type, dataset, problems, context.CancellationToken);
            foreach (var problem in problems)
            {
                context.ReportDiagnostic(problem switch
                {
                    { IsSetting: true } => Diagnostic.Create(DiagnosticDescriptors.InvalidDatasetSetting, problem.Location, type.Name, problem.Message),
                    { Property: { } property } => Diagnostic.Create(DiagnosticDescriptors.InvalidColumns, problem.Location, type.Name, property, problem.Message),
                    _ => Diagnostic.Create(DiagnosticDescriptors.CannotGenerate, problem.Location, problem.Message),
                });
            }
        }
        if (type.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == KnownTypes.TrainerAttribute) is { } trainer)
        {
            Contract(context, type, trainer);
        }
    }

    private static void Contract(SymbolAnalysisContext context, INamedTypeSymbol type, AttributeData trainer)
    {
        var trainerBase = TrainerParser.TrainerBase(type);
        if (trainerBase is null || trainer.ConstructorArguments is not [{ Value: int loss }, ..]) return;
        if (trainerBase.TypeArguments[0] is not INamedTypeSymbol model || trainerBase.TypeArguments[1] is not INamedTypeSymbol data) return;
        if (DatasetParser.DatasetAttributeOf(data) is not { } source) return;
        var spec = DatasetParser.Describe(data, source, new List<DatasetProblem>(), context.CancellationToken);
        var modelAttribute = model.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == KnownTypes.ModelAttribute);
        var (_, text) = ModelParser.Forward(model);
        if (spec is null || modelAttribute is null || text is null) return;
        var (signature, _) = SignatureParser.Parse(text, ModelParser.DimNames(ModelParser.ConfigOf(modelAttribute), withDefaults: true));
        if (signature is null || signature.Inputs.Count != 1) return;
        var typeArguments = BaseTypeArguments(type, context);
        var dataLocation = typeArguments is { Count: 3 } arguments ? arguments[1].GetLocation() : type.Locations.FirstOrDefault();
        var modelLocation = typeArguments is { Count: 3 } written ? written[0].GetLocation() : type.Locations.FirstOrDefault();

        var input = signature.Inputs[0];
        var sample = spec.SampleShape.Items;
        if (sample.Length > 0 && input.Dims.Count > 0 && !input.HasVariadic && !Fits(input.Dims.Items.Skip(1).ToList(), sample))
        {
            string batched = "[" + string.Join(", ", new[] { input.Dims[0].Text }.Concat(sample.Select(d => Number(d)))) + "]";
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.SampleShape, dataLocation,
                data.Name, "[" + string.Join(", ", sample.Select(Number)) + "]", batched, model.Name, input.ToString()));
        }

        bool classification = (LossKind)loss == LossKind.CrossEntropy;
        bool classes = spec.Label != DatasetLabel.Regression;
        if (classification != classes)
        {
            var lossLocation = trainer.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken) is AttributeSyntax { ArgumentList.Arguments.Count: > 0 } syntax
                ? syntax.ArgumentList.Arguments[0].GetLocation()
                : type.Locations.FirstOrDefault();
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.LabelKind, lossLocation,
                data.Name, classes ? "class labels" : $"regression targets ({spec.Classes})", (LossKind)loss,
                classification ? "class labels (a [Label] of type string, integer or bool)" : "regression targets (float or double [Label] properties); use Loss.CrossEntropy for classes"));
            return;
        }

        // The output's last dim holds one score per class, or one value per regression target.
        var output = signature.Output;
        if (spec.Classes <= 0 || output.Dims.Count == 0) return;
        var last = output.Dims[output.Dims.Count - 1];
        if (last.Kind != DimKind.Constant || last.Value == spec.Classes) return;
        var expected = output.Dims.Items.Take(output.Dims.Count - 1).Select(d => d.Text).Concat(new[] { Number(spec.Classes) });
        string has = spec.Label switch
        {
            DatasetLabel.Regression => spec.Classes == 1 ? "1 regression target" : $"{spec.Classes} regression targets",
            DatasetLabel.NextToken => $"a vocabulary of {spec.Classes} tokens",
            _ => $"{spec.Classes} classes",
        };
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.OutputSize, modelLocation,
            model.Name, output.ToString(), data.Name, has, "[" + string.Join(", ", expected) + "]"));
    }

    /// <summary>Whether the input's dims after the batch dim can be the sample's: same rank, equal where both are numbers.</summary>
    private static bool Fits(List<Dim> dims, ImmutableArray<long> sample) =>
        dims.Count == sample.Length && dims.Zip(sample, (dim, size) => dim.Kind != DimKind.Constant || dim.Value == size).All(ok => ok);

    private static string Number(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The type arguments of <c>Trainer&lt;TModel, TData, TConfig&gt;</c> as written in the trainer's base list.</summary>
    private static SeparatedSyntaxList<TypeSyntax>? BaseTypeArguments(INamedTypeSymbol type, SymbolAnalysisContext context)
    {
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(context.CancellationToken) is not TypeDeclarationSyntax { BaseList: { } list }) continue;
            foreach (var baseType in list.Types)
            {
                var name = baseType.Type is QualifiedNameSyntax qualified ? qualified.Right : baseType.Type as SimpleNameSyntax;
                if (name is GenericNameSyntax { TypeArgumentList.Arguments.Count: 3 } generic) return generic.TypeArgumentList.Arguments;
            }
        }
        return null;
    }
}
