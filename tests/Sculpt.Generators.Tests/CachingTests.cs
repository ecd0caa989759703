using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace Sculpt.Generators.Tests;

public class CachingTests
{
    private static readonly string[] TrackedSteps = [TrackingNames.HyperParameters, TrackingNames.Models, TrackingNames.Trainers, TrackingNames.Datasets];

    [Fact]
    public void An_edit_outside_attributed_types_leaves_every_step_cached()
    {
        var compilation = GeneratorHarness.Compile(Samples.Trainers, Samples.ModelWithoutConfig, Samples.Datasets, Samples.VectorDatasets);
        var driver = GeneratorHarness.Driver().RunGenerators(compilation);
        var first = driver.GetRunResult().Results.Single();
        foreach (string step in TrackedSteps)
        {
            Assert.True(first.TrackedSteps.ContainsKey(step), $"step '{step}' did not run");
        }

        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(
            "namespace Demo; public static class Unrelated { public static int Answer => 42; }",
            new CSharpParseOptions(LanguageVersion.Latest)));
        var second = driver.RunGenerators(edited).GetRunResult().Results.Single();

        foreach (string step in TrackedSteps)
        {
            foreach (var run in second.TrackedSteps[step])
            {
                foreach (var (_, reason) in run.Outputs)
                {
                    Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"step '{step}' was {reason}");
                }
            }
        }
        foreach (var (_, reason) in second.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(r => r.Outputs))
        {
            Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"an output step was {reason}");
        }
    }

    [Fact]
    public void Comments_and_layout_inside_a_forward_body_change_no_generator_output()
    {
        var compilation = GeneratorHarness.Compile(Samples.Model);
        var driver = GeneratorHarness.Driver().RunGenerators(compilation);
        var tree = compilation.SyntaxTrees.Single();
        // A comment and a reformatted line. (A new statement changes the model's ONNX twin, OnnxForward, which is the
        // body rewritten: that regenerates the model's own source, as the next test shows, and nothing else.)
        string typed = Samples.Model.Replace(
            "var flat = Ops.Flatten(image);",
            "// flatten first\n        var  flat =Ops.Flatten( image );");
        Assert.NotEqual(Samples.Model, typed);
        var result = driver.RunGenerators(compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(typed)))).GetRunResult().Results.Single();
        foreach (string step in TrackedSteps.Where(result.TrackedSteps.ContainsKey))
        {
            Assert.All(result.TrackedSteps[step].SelectMany(r => r.Outputs), o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"step '{step}' was {o.Reason}"));
        }
        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(r => r.Outputs),
            o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"an output step was {o.Reason}"));
    }

    [Fact]
    public void A_new_statement_in_a_forward_body_regenerates_that_model_and_nothing_else()
    {
        var compilation = GeneratorHarness.Compile(Samples.Model);
        var driver = GeneratorHarness.Driver().RunGenerators(compilation);
        var tree = compilation.SyntaxTrees.Single();
        string typed = Samples.Model.Replace("var flat = Ops.Flatten(image);", "var flat = Ops.Flatten(image);\n        flat = Ops.Relu(flat);");
        Assert.NotEqual(Samples.Model, typed);
        var result = driver.RunGenerators(compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(typed)))).GetRunResult().Results.Single();
        Assert.Contains(IncrementalStepRunReason.Modified, result.TrackedSteps[TrackingNames.Models].SelectMany(r => r.Outputs).Select(o => o.Reason));
        Assert.All(result.TrackedSteps[TrackingNames.HyperParameters].SelectMany(r => r.Outputs), o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason.ToString()));
    }

    [Fact]
    public void Editing_an_attributed_type_regenerates_only_what_changed()
    {
        var compilation = GeneratorHarness.Compile(Samples.Trainers);
        var driver = GeneratorHarness.Driver().RunGenerators(compilation);
        var tree = compilation.SyntaxTrees.Single();
        var changed = compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(
            Samples.Trainers.Replace("Hidden { get; init; } = 16;", "Hidden { get; init; } = 16; public int Extra { get; init; } = 1;"))));
        var result = driver.RunGenerators(changed).GetRunResult().Results.Single();
        var reasons = result.TrackedSteps[TrackingNames.HyperParameters].SelectMany(r => r.Outputs).Select(o => o.Reason).ToList();
        Assert.Contains(IncrementalStepRunReason.Modified, reasons);
        var modelReasons = result.TrackedSteps[TrackingNames.Models].SelectMany(r => r.Outputs).Select(o => o.Reason).ToList();
        Assert.All(modelReasons, r => Assert.True(r is IncrementalStepRunReason.Unchanged or IncrementalStepRunReason.Cached, r.ToString()));
    }

    [Fact]
    public void Pipeline_outputs_hold_no_symbols_syntax_locations_or_compilations()
    {
        int checkedOutputs = 0;
        foreach (var (_, source) in Samples.All)
        {
            var result = GeneratorHarness.Driver().RunGenerators(GeneratorHarness.Compile(source)).GetRunResult().Results.Single();
            foreach (string step in TrackedSteps.Where(result.TrackedSteps.ContainsKey))
            {
                foreach (var (value, _) in result.TrackedSteps[step].SelectMany(r => r.Outputs))
                {
                    AssertPlain(value, step, new HashSet<object>(ReferenceEqualityComparer.Instance));
                    checkedOutputs++;
                }
            }
        }
        Assert.True(checkedOutputs >= Samples.All.Length, $"only {checkedOutputs} outputs were checked");
    }

    private static void AssertPlain(object? value, string path, HashSet<object> seen)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum) return;
        if (!value.GetType().IsValueType && !seen.Add(value)) return;
        Assert.False(value is ISymbol, $"{path} holds an ISymbol");
        Assert.False(value is SyntaxNode, $"{path} holds a SyntaxNode");
        Assert.False(value is Location, $"{path} holds a Location");
        Assert.False(value is Compilation, $"{path} holds a Compilation");
        Assert.False(value is SemanticModel, $"{path} holds a SemanticModel");
        if (value is IEnumerable items)
        {
            int i = 0;
            foreach (var item in items) AssertPlain(item, $"{path}[{i++}]", seen);
            return;
        }
        foreach (var field in value.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            AssertPlain(field.GetValue(value), path + "." + field.Name, seen);
        }
    }
}
