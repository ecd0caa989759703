using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Sculpt.Generators.Emit;
using Sculpt.Generators.Parsing;

namespace Sculpt.Generators;

/// <summary>
/// One incremental pipeline per concept: find the attribute, describe the type in plain
/// equatable records, emit. Problems are left to the analyzers; what cannot be built is skipped.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class SculptGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var hyperParameters = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownTypes.HyperParametersAttribute,
                static (node, _) => node is RecordDeclarationSyntax,
                HyperParametersParser.Parse)
            .Where(static spec => spec is not null)
            .WithTrackingName(TrackingNames.HyperParameters);
        context.RegisterSourceOutput(hyperParameters, static (output, spec) =>
            output.AddSource(spec!.Target.HintName + ".HyperParameters.g.cs", HyperParametersEmitter.Emit(spec)));

        var models = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownTypes.ModelAttribute,
                static (node, _) => node is ClassDeclarationSyntax,
                ModelParser.Parse)
            .Where(static spec => spec is not null)
            .WithTrackingName(TrackingNames.Models);
        context.RegisterSourceOutput(models, static (output, spec) =>
            output.AddSource(spec!.Target.HintName + ".Model.g.cs", ModelEmitter.Emit(spec)));

        var trainers = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownTypes.TrainerAttribute,
                static (node, _) => node is ClassDeclarationSyntax,
                TrainerParser.Parse)
            .Where(static spec => spec is not null)
            .WithTrackingName(TrackingNames.Trainers);
        context.RegisterSourceOutput(trainers, static (output, spec) =>
            output.AddSource(spec!.Target.HintName + ".Trainer.g.cs", TrainerEmitter.Emit(spec)));

        // One pipeline per source attribute (each provider matches one attribute name); one emitter.
        foreach (string attribute in DatasetParser.Attributes)
        {
            var datasets = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    attribute,
                    static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                    DatasetParser.Parse)
                .Where(static spec => spec is not null)
                .WithTrackingName(TrackingNames.Datasets);
            context.RegisterSourceOutput(datasets, static (output, spec) =>
                // Named by kind: one pipeline per attribute, so one type under two dataset attributes (an
                // error the analyzer reports) still gets two distinct files instead of a generator crash.
                output.AddSource(spec!.Target.HintName + "." + spec.Kind + "Dataset.g.cs", DatasetEmitter.Emit(spec)));
        }
    }
}
