using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Sculpt.Generators.Layers;
using Sculpt.Generators.Model;
using Sculpt.Generators.Shapes;

namespace Sculpt.Generators.Parsing;

/// <summary>
/// Follows shapes through a forward body, in evaluation order: parameters, locals, layer calls,
/// <c>Ops</c> calls and elementwise operators. Anything else makes a value unknown, and so does
/// whatever a branch or loop assigns; it never guesses. The generator uses the rows for
/// <c>Summary()</c>; the analyzer also collects the problems.
/// </summary>
internal sealed class ForwardWalker
{
    /// <summary>A value's shape and the call that produced it, for messages ("from 'Hidden1' (Linear 784 -> 128)").</summary>
    private sealed record Value(Shape? Shape, string? Producer)
    {
        public static readonly Value Unknown = new(null, null);

        /// <summary>For a tuple (a recurrent layer's output and states): its elements and their names.</summary>
        public IReadOnlyList<(string? Name, Value Value)>? Elements { get; init; }

        /// <summary>The element a tuple member access names (<c>.Hidden</c> or <c>.Item2</c>), or unknown.</summary>
        public Value Element(string name)
        {
            if (Elements is null) return Unknown;
            for (int i = 0; i < Elements.Count; i++)
            {
                if (Elements[i].Name == name || name == "Item" + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)) return Elements[i].Value;
            }
            return Unknown;
        }
    }

    private readonly SemanticModel _model;
    private readonly INamedTypeSymbol _type;
    private readonly Dictionary<string, LayerSpec> _layers;
    private Dictionary<string, Value> _locals = new();

    /// <summary>What the method returns, joined over its <c>return</c>s; null before the first (or for a tuple result).</summary>
    private Value? _result;

    /// <summary>Loop variables that stand for a whole repeated <c>[Submodel]</c> (a stage of a list of stages): name -> (property, block type).</summary>
    private readonly Dictionary<string, (IPropertySymbol Property, INamedTypeSymbol Block)> _stages = new();

    /// <summary>Loop variables that stand for one block of a repeated <c>[Submodel]</c>: name -> (property, block type).</summary>
    private readonly Dictionary<string, (IPropertySymbol Property, INamedTypeSymbol Block)> _blocks = new();
    private readonly List<SummaryRowSpec> _rows = new();
    private readonly List<ShapeCheckSpec> _checks = new();

    /// <summary>Helpers being followed (a guard against recursion and deep chains), innermost last.</summary>
    private readonly List<IMethodSymbol> _inlining = new();

    /// <summary>While following a helper: the values its <c>return</c>s give; null in the walked method itself.</summary>
    private List<Value>? _returns;

    /// <summary>Told the shape of each value a statement of the walked method gives (a declaration, an assignment, a return); for "Show shapes".</summary>
    private Action<SyntaxNode, Shape?>? _onValue;

    /// <summary>Problems already reported, by place and text: a helper followed twice reports its mistake once.</summary>
    private readonly HashSet<(Microsoft.CodeAnalysis.Text.TextSpan, string)> _reported = new();

    /// <summary>The declared results of a method that returns a tuple, one shape each; null for one result.</summary>
    private IReadOnlyList<Shape>? _outputs;

    /// <summary>Hyperparameters the enclosing condition makes equal, each to its partner (see <see cref="Assuming{T}"/>).</summary>
    private readonly Dictionary<string, string> _equal = new();
    private readonly Action<ShapeProblem>? _report;

    /// <summary>The symbols the walked method's inputs bind (<c>B</c>, <c>T</c>): its result must hold for any value of each.</summary>
    private readonly HashSet<string> _inputSymbols = new();

    private void Bind(EquatableArray<ForwardParameter> parameters)
    {
        foreach (var parameter in parameters)
        {
            _locals[parameter.Name] = new Value(parameter.Shape, null);
            foreach (var dim in parameter.Shape?.Dims ?? EquatableArray<Dim>.Empty)
            {
                if (dim.Kind == DimKind.Symbol) _inputSymbols.Add(dim.Name);
            }
        }
    }

    /// <summary>Above 0 while following a body that is checked on its own (a <c>[Shape]</c> helper's): nothing is reported.</summary>
    private int _silent;
    private readonly ICollection<string> _dimNames;
    private readonly CancellationToken _cancellation;

    private ForwardWalker(SemanticModel model, INamedTypeSymbol type, IEnumerable<LayerSpec> layers, ICollection<string> dimNames, Action<ShapeProblem>? report, CancellationToken cancellation)
    {
        _model = model;
        _dimNames = dimNames;
        _type = type;
        _layers = layers.GroupBy(l => l.Name).ToDictionary(g => g.Key, g => g.First());
        _report = report;
        _cancellation = cancellation;
    }

    /// <summary>Walks <paramref name="syntax"/>; returns the summary rows, and reports problems when <paramref name="report"/> is given.</summary>
    public static IReadOnlyList<SummaryRowSpec> Walk(
        MethodDeclarationSyntax syntax, SemanticModel model, INamedTypeSymbol type, IEnumerable<LayerSpec> layers, ICollection<string> dimNames,
        EquatableArray<ForwardParameter> parameters, IReadOnlyList<Shape>? outputs, Action<ShapeProblem>? report, CancellationToken cancellation) =>
        Run(syntax, model, type, layers, dimNames, parameters, outputs, report, cancellation)._rows;

    private static ForwardWalker Run(
        MethodDeclarationSyntax syntax, SemanticModel model, INamedTypeSymbol type, IEnumerable<LayerSpec> layers, ICollection<string> dimNames,
        EquatableArray<ForwardParameter> parameters, IReadOnlyList<Shape>? outputs, Action<ShapeProblem>? report, CancellationToken cancellation)
    {
        var walker = new ForwardWalker(model, type, layers, dimNames, report, cancellation);
        walker.Bind(parameters);
        // A tuple result is checked element by element where the method returns (see ReturnTuple).
        walker._outputs = outputs is { Count: > 1 } ? outputs : null;
        var output = outputs is { Count: 1 } ? outputs[0] : null;

        if (syntax.ExpressionBody is { } arrow) walker.Return(arrow.Expression, output);
        else if (syntax.Body is { } body) walker.Block(body, output);
        return walker;
    }

    /// <summary>
    /// The shape of each value a <c>[Forward]</c> or <c>[Shape]</c> method's statements give, in order
    /// (for an expression body, the method itself with its result); empty when the method has no
    /// signature that parses. The editor's "Show shapes" writes them as comments.
    /// </summary>
    public static IReadOnlyList<(SyntaxNode Node, Shape? Shape)> StatementShapes(MethodDeclarationSyntax syntax, SemanticModel model, CancellationToken cancellation)
    {
        if (model.GetDeclaredSymbol(syntax, cancellation) is not { } method || Inputs(method) is not var (dimNames, signature, layers)) return [];
        var parameters = method.Parameters.Select((p, i) => new ForwardParameter(p.Name, signature.Inputs[i])).ToEquatableArray();
        var walker = new ForwardWalker(model, method.ContainingType, layers, dimNames, null, cancellation);
        var shapes = new List<(SyntaxNode, Shape?)>();
        walker._onValue = (node, shape) => shapes.Add((node, shape));
        walker.Bind(parameters);
        if (syntax.ExpressionBody is { } arrow) walker.Return(arrow.Expression, signature.Output);
        else if (syntax.Body is { } body) walker.Block(body, signature.Output);
        return shapes;
    }

    /// <summary>
    /// What a walk of <paramref name="method"/> starts from, as the analyzer sees it: the model's sizes
    /// (with their defaults), the method's parsed signature and the model's layers; null when it has
    /// no signature that parses or fits its parameters.
    /// </summary>
    public static (HyperParameterSizes DimNames, Signature Signature, IReadOnlyList<LayerSpec> Layers)? Inputs(IMethodSymbol method)
    {
        var (dimNames, text) = SignatureSource(method);
        if (text is null) return null;
        var (signature, error) = SignatureParser.Parse(text, dimNames);
        if (error is not null || signature!.Inputs.Count != method.Parameters.Length) return null;
        return (dimNames, signature, LayersWithDefaults(method.ContainingType, dimNames));
    }

    /// <summary>
    /// The signature a walk of <paramref name="method"/> checks against (its <c>[Shape]</c>, or the
    /// model's <c>[Forward]</c> when it is that method; null otherwise) and the model's sizes with their defaults.
    /// </summary>
    public static (HyperParameterSizes DimNames, string? Signature) SignatureSource(IMethodSymbol method)
    {
        var type = method.ContainingType;
        var model = type.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == KnownTypes.ModelAttribute);
        var dimNames = ModelParser.DimNames(model is null ? null : ModelParser.ConfigOf(model), withDefaults: true);
        string? text = SignatureOf(method);
        if (text is null && model is not null && method.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == KnownTypes.ForwardAttribute)
            && ModelParser.Forward(type) is var (forward, forwardText) && SymbolEqualityComparer.Default.Equals(forward, method))
        {
            text = forwardText;
        }
        return (dimNames, text);
    }

    /// <summary>The layers of <paramref name="type"/> as the analyzer walks them: every declaration, sizes carrying their defaults.</summary>
    public static IReadOnlyList<LayerSpec> LayersWithDefaults(INamedTypeSymbol type, HyperParameterSizes dimNames) =>
        type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == KnownTypes.ModelAttribute)
            ? ModelParser.Layers(type).Select(l => dimNames.WithDefaults(l.Spec)).ToList()
            : [];

    /// <summary>The generator's entry: the forward method's rows for <c>Summary()</c>, and the size comparisons a config decides.</summary>
    public static (IReadOnlyList<SummaryRowSpec> Rows, IReadOnlyList<ShapeCheckSpec> Checks, Shape? Result) Rows(
        IMethodSymbol forward, SemanticModel semanticModel, INamedTypeSymbol type, IEnumerable<LayerSpec> layers, ICollection<string> dimNames,
        EquatableArray<ForwardParameter> parameters, IReadOnlyList<Shape>? outputs, CancellationToken cancellation)
    {
        if (forward.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellation) is not MethodDeclarationSyntax syntax) return ([], [], null);
        var model = syntax.SyntaxTree == semanticModel.SyntaxTree ? semanticModel : semanticModel.Compilation.GetSemanticModel(syntax.SyntaxTree);
        var walker = Run(syntax, model, type, layers, dimNames, parameters, outputs, null, cancellation);
        return (walker._rows, walker._checks, walker._result?.Shape);
    }

    /// <summary>Keeps the comparisons of <paramref name="expected"/> and <paramref name="actual"/> that a config decides.</summary>
    private void Check(string subject, Shape expected, Shape actual, string? producer)
    {
        foreach (var (where, e, a) in ShapeComparison.ConfigDependent(expected, actual))
        {
            _checks.Add(new ShapeCheckSpec(subject, expected.ToString(), actual.ToString(), where, e, a, producer is null ? "" : $"; it comes from {producer}"));
        }
    }

    private void Block(BlockSyntax block, Shape? output)
    {
        foreach (var statement in block.Statements)
        {
            if (Statement(statement, output)) return;
        }
    }

    /// <summary>Follows one statement; true when it returns on every path.</summary>
    private bool Statement(StatementSyntax statement, Shape? output)
    {
        _cancellation.ThrowIfCancellationRequested();
        switch (statement)
        {
            case BlockSyntax block:
                foreach (var inner in block.Statements)
                {
                    if (Statement(inner, output)) return true;
                }
                return false;
            case LocalDeclarationStatementSyntax local:
                foreach (var variable in local.Declaration.Variables)
                {
                    _locals[variable.Identifier.ValueText] = variable.Initializer is { } init ? Evaluate(init.Value) : Value.Unknown;
                }
                if (_returns is null && local.Declaration.Variables.Count == 1) _onValue?.Invoke(local, _locals[local.Declaration.Variables[0].Identifier.ValueText].Shape);
                return false;
            case ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression, Left: IdentifierNameSyntax target } assignment } assigned:
                _locals[target.Identifier.ValueText] = Evaluate(assignment.Right);
                if (_returns is null) _onValue?.Invoke(assigned, _locals[target.Identifier.ValueText].Shape);
                return false;
            case ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { Left: IdentifierNameSyntax target } compound } assigned
                when compound.Kind() is SyntaxKind.AddAssignmentExpression or SyntaxKind.SubtractAssignmentExpression or SyntaxKind.MultiplyAssignmentExpression or SyntaxKind.DivideAssignmentExpression:
            {
                // y += identity is y = y + identity, as torchvision writes a residual.
                string name = target.Identifier.ValueText;
                var before = _locals.TryGetValue(name, out var known) ? known : Value.Unknown;
                _locals[name] = Elementwise(compound, compound.OperatorToken.Text.TrimEnd('='), target, before, compound.Right, Evaluate(compound.Right));
                if (_returns is null) _onValue?.Invoke(assigned, _locals[name].Shape);
                return false;
            }
            case ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression, Left: DeclarationExpressionSyntax or TupleExpressionSyntax } deconstruction }:
                Deconstruct(deconstruction.Left, Evaluate(deconstruction.Right));
                return false;
            case ReturnStatementSyntax { Expression: { } value }:
                if (_returns is not null) _returns.Add(Evaluate(value));
                else Return(value, output);
                return true;
            case LocalFunctionStatementSyntax:
                // Followed where it is called.
                return false;
            case ForStatementSyntax loop when IndexedBlocks(loop) is { } indexed:
                return Blocks(loop, loop.Statement, indexed.Index, indexed.Repeated, output);
            case IfStatementSyntax branch:
                return Branch(branch, output);
            case ForEachStatementSyntax loop when RepeatedBlocks(loop.Expression) is { } repeated:
                return Blocks(loop, loop.Statement, loop.Identifier.ValueText, repeated, output);
            case ForEachStatementSyntax loop when Stages(loop.Expression) is { } stages:
                // foreach (var stage in new[] { Stage2, Stage3 }): the body once per stage, in order, the loop variable standing for it.
                foreach (var stage in stages)
                {
                    _stages[loop.Identifier.ValueText] = stage;
                    _ = Statement(loop.Statement, output);
                }
                _stages.Remove(loop.Identifier.ValueText);
                return false;
            default:
                // Loops and the rest: what they assign is no longer known afterwards.
                foreach (var assigned in statement.DescendantNodes().OfType<AssignmentExpressionSyntax>().Select(a => a.Left).OfType<IdentifierNameSyntax>())
                {
                    _locals[assigned.Identifier.ValueText] = Value.Unknown;
                }
                foreach (var declared in statement.DescendantNodes().OfType<VariableDeclaratorSyntax>())
                {
                    _locals[declared.Identifier.ValueText] = Value.Unknown;
                }
                foreach (var designated in statement.DescendantNodes().OfType<SingleVariableDesignationSyntax>())
                {
                    _locals[designated.Identifier.ValueText] = Value.Unknown;
                }
                return false;
        }
    }

    /// <summary><c>var (output, hidden) = ...</c> or <c>(output, hidden) = ...</c>: each name gets its element, by position.</summary>
    private void Deconstruct(ExpressionSyntax target, Value value)
    {
        var names = target switch
        {
            DeclarationExpressionSyntax { Designation: ParenthesizedVariableDesignationSyntax list } => list.Variables.Select(v => (v as SingleVariableDesignationSyntax)?.Identifier.ValueText).ToList(),
            TupleExpressionSyntax tuple => tuple.Arguments.Select(a => a.Expression switch
            {
                IdentifierNameSyntax name => name.Identifier.ValueText,
                DeclarationExpressionSyntax { Designation: SingleVariableDesignationSyntax single } => single.Identifier.ValueText,
                _ => null,
            }).ToList(),
            _ => new List<string?>(),
        };
        bool matches = value.Elements is { } elements && elements.Count == names.Count;
        for (int i = 0; i < names.Count; i++)
        {
            if (names[i] is { } name) _locals[name] = matches ? value.Elements![i].Value : Value.Unknown;
        }
    }

    /// <summary>Both arms of an <c>if</c>, each from the same state; afterwards a value keeps only what both arms agree on.</summary>
    private bool Branch(IfStatementSyntax branch, Shape? output)
    {
        Evaluate(branch.Condition);
        var before = new Dictionary<string, Value>(_locals);
        bool thenReturns = Assuming(branch.Condition, () => Statement(branch.Statement, output));
        var afterThen = _locals;
        _locals = new Dictionary<string, Value>(before);
        bool elseReturns = branch.Else is { } otherwise && Statement(otherwise.Statement, output);
        var afterElse = _locals;
        if (thenReturns && elseReturns) return true;
        if (thenReturns) _locals = afterElse;
        else if (elseReturns) _locals = afterThen;
        else
        {
            foreach (var name in before.Keys.Where(n => afterThen.ContainsKey(n) && afterElse.ContainsKey(n)))
            {
                var assignment = LastAssignment(branch.Statement, name) ?? (branch.Else is { } e ? LastAssignment(e.Statement, name) : null);
                if (assignment is not null && ReadAfter(branch, name)) Disagreement(assignment, $"'{name}'", branch.Condition, afterThen[name], afterElse[name]);
            }
            _locals = afterThen.Keys.Union(afterElse.Keys).ToDictionary(
            name => name,
            name => afterThen.TryGetValue(name, out var a) && afterElse.TryGetValue(name, out var b) ? Join(a, b) : Value.Unknown);
        }
        return false;
    }

    /// <summary>
    /// Runs <paramref name="arm"/> knowing what <paramref name="condition"/> says of the hyperparameters: each
    /// <c>Config.A == Config.B</c> among its <c>&amp;&amp;</c> parts makes B the same size as A there (torchvision's
    /// <c>stride == 1 &amp;&amp; in == out</c> residual), so a sum that only that arm computes is not reported.
    /// </summary>
    private T Assuming<T>(ExpressionSyntax condition, System.Func<T> arm)
    {
        var added = Equalities(condition).Where(e => !_equal.ContainsKey(e.Right)).ToList();
        if (added.Count == 0) return arm();
        foreach (var (left, right) in added) _equal[right] = left;
        var locals = _locals;
        var assumed = _locals.ToDictionary(p => p.Key, p => Assumed(p.Value));
        _locals = new Dictionary<string, Value>(assumed);
        try
        {
            return arm();
        }
        finally
        {
            foreach (var (_, right) in added) _equal.Remove(right);
            // Values the arm left untouched are as before it; those it assigned keep B written as A, so the
            // join with the other arm leaves that dim open.
            foreach (var pair in locals)
            {
                if (!_locals.TryGetValue(pair.Key, out var now) || ReferenceEquals(now, assumed[pair.Key])) _locals[pair.Key] = pair.Value;
            }
        }
    }

    /// <summary>The hyperparameter pairs <c>Config.A == Config.B</c> joined by <c>&amp;&amp;</c> in a condition.</summary>
    private IEnumerable<(string Left, string Right)> Equalities(ExpressionSyntax condition)
    {
        switch (condition)
        {
            case ParenthesizedExpressionSyntax inner:
                return Equalities(inner.Expression);
            case BinaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalAndExpression } both:
                return Equalities(both.Left).Concat(Equalities(both.Right));
            case BinaryExpressionSyntax { RawKind: (int)SyntaxKind.EqualsExpression, Left: var left, Right: var right }
                when ConfigSize(left) is { } a && ConfigSize(right) is { } b && a != b:
                return [(a, b)];
            default:
                return [];
        }

        string? ConfigSize(ExpressionSyntax side) =>
            side is MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.ValueText: "Config" } or MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax, Name.Identifier.ValueText: "Config" }, Name: IdentifierNameSyntax name }
                && _dimNames.Contains(name.Identifier.ValueText) ? name.Identifier.ValueText : null;
    }

    /// <summary>A value with every assumed-equal hyperparameter written as its partner.</summary>
    private Value Assumed(Value value)
    {
        if (value.Shape is null && value.Elements is null) return value;
        return value with
        {
            Shape = value.Shape is null ? null : new Shape(value.Shape.Dims.Select(Assumed).ToEquatableArray()),
            Elements = value.Elements?.Select(e => (e.Name, Assumed(e.Value))).ToList(),
        };
    }

    private Dim Assumed(Dim dim) => dim.Rewrite(d =>
        d.Kind == DimKind.HyperParameter && _equal.TryGetValue(d.Name, out var same) ? Dim.HyperParameter(same, (_dimNames as HyperParameterSizes)?.Default(same)) : d);

    /// <summary>
    /// SCULPT0020 when the two arms of a choice leave <paramref name="name"/> with shapes that certainly
    /// differ, so what follows fails on one of them. Only for a condition that reads no integer: one over a
    /// size or a shape (<c>if (x.shape[1] != Dim) x = Project(x);</c>) may be what makes the shapes agree.
    /// </summary>
    private void Disagreement(SyntaxNode node, string name, ExpressionSyntax condition, Value whenTrue, Value otherwise)
    {
        if (whenTrue.Shape is null || otherwise.Shape is null || ShapeComparison.Mismatch(whenTrue.Shape, otherwise.Shape) is not { } reason) return;
        if (condition.DescendantNodesAndSelf().OfType<ExpressionSyntax>().Any(e => IsInteger(_model.GetTypeInfo(e, _cancellation).Type))) return;
        Report(new ShapeProblem(ShapeProblemKind.Branches, node, name, whenTrue.Shape.ToString(), otherwise.Shape.ToString(), reason, condition.ToString()));
    }

    /// <summary>An integer, as sizes, ranks and indices are; a rate (<c>Config.Dropout &gt; 0</c>) decides no shape.</summary>
    private static bool IsInteger(ITypeSymbol? type) =>
        type?.SpecialType is SpecialType.System_Int16 or SpecialType.System_Int32 or SpecialType.System_Int64 or SpecialType.System_UInt16 or SpecialType.System_UInt32
            or SpecialType.System_UInt64 or SpecialType.System_Byte or SpecialType.System_SByte;

    /// <summary>The last statement in <paramref name="arm"/> that assigns <paramref name="name"/>, or null when it keeps its value.</summary>
    private static SyntaxNode? LastAssignment(StatementSyntax arm, string name) =>
        arm.DescendantNodesAndSelf().OfType<AssignmentExpressionSyntax>()
            .LastOrDefault(a => a.Left is IdentifierNameSyntax target && target.Identifier.ValueText == name)?.Parent;

    /// <summary>Whether a statement after <paramref name="statement"/> (in its block or an enclosing one) reads <paramref name="name"/>.</summary>
    private static bool ReadAfter(StatementSyntax statement, string name)
    {
        for (SyntaxNode node = statement; node.Parent is { } parent && node is not MemberDeclarationSyntax; node = parent)
        {
            if (parent is BlockSyntax block && block.Statements.SkipWhile(s => s != node).Skip(1)
                .Any(s => s.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Any(i => i.Identifier.ValueText == name)))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// <c>for (int i = 0; i &lt; Blocks.Count; i++) x = Blocks[i].call(x);</c>: the repeated
    /// <c>[Submodel]</c> the loop indexes and the index, when the loop runs over all of it.
    /// </summary>
    private (string Index, (IPropertySymbol Property, INamedTypeSymbol Block) Repeated)? IndexedBlocks(ForStatementSyntax loop)
    {
        if (loop.Declaration?.Variables is not [{ } index]
            || loop.Condition is not BinaryExpressionSyntax { RawKind: (int)SyntaxKind.LessThanExpression, Left: IdentifierNameSyntax counter, Right: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Count" } count }
            || counter.Identifier.ValueText != index.Identifier.ValueText
            || RepeatedBlocks(count.Expression) is not { } repeated)
        {
            return null;
        }
        return ("[" + index.Identifier.ValueText + "]" + repeated.Property.Name, repeated);
    }

    /// <summary>
    /// The repeated <c>[Submodel]</c>s a list written in place holds (<c>new[] { Stage2, Stage3 }</c>, <c>[Stage2, Stage3]</c>),
    /// in order; null when it is not such a list.
    /// </summary>
    private List<(IPropertySymbol Property, INamedTypeSymbol Block)>? Stages(ExpressionSyntax expression)
    {
        IEnumerable<ExpressionSyntax>? elements = expression switch
        {
            ImplicitArrayCreationExpressionSyntax implicitArray => implicitArray.Initializer.Expressions,
            ArrayCreationExpressionSyntax { Initializer: { } initializer } => initializer.Expressions,
            CollectionExpressionSyntax collection when collection.Elements.All(e => e is ExpressionElementSyntax) =>
                collection.Elements.Cast<ExpressionElementSyntax>().Select(e => e.Expression),
            _ => null,
        };
        if (elements is null) return null;
        var stages = elements.Select(RepeatedBlocks).ToList();
        return stages.Count > 0 && stages.All(s => s is not null) ? stages.Select(s => s!.Value).ToList() : null;
    }

    /// <summary>The repeated <c>[Submodel]</c> property a <c>foreach</c> runs over, if it is one (or a loop variable that stands for one).</summary>
    private (IPropertySymbol Property, INamedTypeSymbol Block)? RepeatedBlocks(ExpressionSyntax expression)
    {
        if (expression is IdentifierNameSyntax alias && _stages.TryGetValue(alias.Identifier.ValueText, out var stage)) return stage;
        if (_model.GetSymbolInfo(expression, _cancellation).Symbol is not IPropertySymbol property
            || !SymbolEqualityComparer.Default.Equals(property.ContainingType, _type)
            || ModelParser.RepeatOf(property) is null
            || ModelParser.BlockType(property) is not { } block)
        {
            return null;
        }
        return (property, block);
    }

    /// <summary>
    /// A loop over repeated blocks: one pass is followed; a value that one block leaves as it was
    /// stays known after any number of blocks, any other becomes unknown.
    /// </summary>
    private bool Blocks(StatementSyntax loop, StatementSyntax body, string block, (IPropertySymbol Property, INamedTypeSymbol Block) repeated, Shape? output)
    {
        _blocks[block] = repeated;
        var before = new Dictionary<string, Value>(_locals);
        _ = Statement(body, output);
        var after = _locals;
        bool changed = after.Any(pair => before.TryGetValue(pair.Key, out var old) && old.Shape != pair.Value.Shape);
        Dictionary<string, Value>? second = null;
        if (changed && ModelParser.RepeatOf(repeated.Property) is { IsHyperParameter: false, Literal: >= 2 })
        {
            // At least two blocks for certain: the second one sees what the first one made.
            var rows = _rows.Count;
            _locals = new Dictionary<string, Value>(after);
            _ = Statement(body, output);
            _rows.RemoveRange(rows, _rows.Count - rows);
            second = _locals;
            _locals = after;
        }
        // Known after the loop: everything, for a stage of one block; else what no block changes, and what every block
        // after the first leaves as the first made it (a stage whose first block widens and the rest keep the width).
        if (ModelParser.RepeatOf(repeated.Property) is { IsHyperParameter: false, Literal: 1 })
        {
            _blocks.Remove(block);
            return false;
        }
        _locals = after.Keys.ToDictionary(
            name => name,
            name => before.TryGetValue(name, out var old) && after[name].Shape is { } shape && old.Shape == shape ? old
                : second is not null && second.TryGetValue(name, out var again) && again.Shape is { } fixedShape && fixedShape == after[name].Shape ? after[name]
                : (before.ContainsKey(name) ? Value.Unknown : after[name]));
        _blocks.Remove(block);
        return false;
    }

    /// <summary>A sub-model with hyperparameters of its own: their names, and each one's size for this instance in the parent's terms.</summary>
    private sealed record BlockInstance(HyperParameterSizes Names, System.Func<Dim, Dim> Replace);

    /// <summary>
    /// For a <c>[Submodel(nameof(Sizes))]</c>, what the parent's <c>Sizes</c> method makes, read from its object initializer
    /// (<c>new() { In = c.Width, Out = c.Width * 2 }</c>); a size that depends on the block's index, or that the method
    /// computes some other way, is unknown. Null for a sub-model that shares the parent's hyperparameters.
    /// </summary>
    private BlockInstance? Instance(IPropertySymbol property, INamedTypeSymbol block)
    {
        var model = block.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == KnownTypes.ModelAttribute);
        if (model is null || ModelParser.ConfigOf(model) is not { } own) return null;
        var names = ModelParser.DimNames(own, withDefaults: true);
        var parentConfig = ModelParser.ConfigOf(_type.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == KnownTypes.ModelAttribute)!);
        var method = ModelParser.SizesMethod(property, own, parentConfig);
        if (method is null) return SymbolEqualityComparer.Default.Equals(own, parentConfig) ? null : new BlockInstance(names, _ => Dim.Unknown);
        var assigned = new Dictionary<string, Dim>();
        var syntax = method.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_cancellation) as MethodDeclarationSyntax;
        var made = Made(syntax);
        string? configName = parentConfig is null ? null : method.Parameters[0].Name;
        Dictionary<string, ExpressionSyntax>? arguments = null;
        // A settings table's row: the sizes method calls a static helper of the model with literal arguments
        // (S2(c, i) => Block(6, 3, 2, 16, 24, i)); the helper's initializer is read with them in place.
        if (made is InvocationExpressionSyntax { Expression: IdentifierNameSyntax callee } call
            && call.ArgumentList.Arguments.All(a => a.NameColon is null && a.RefKindKeyword.IsKind(SyntaxKind.None))
            && _type.GetMembers(callee.Identifier.ValueText).OfType<IMethodSymbol>().Where(m => m.IsStatic && m.Parameters.Length == call.ArgumentList.Arguments.Count).ToList() is [var helper]
            && Made(helper.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_cancellation) as MethodDeclarationSyntax) is { } inner)
        {
            arguments = helper.Parameters.Select((p, k) => (p.Name, call.ArgumentList.Arguments[k].Expression)).ToDictionary(p => p.Name, p => p.Expression);
            made = inner;
        }
        // Sizes the method makes some other way are all unknown: its record's defaults may not be what it gives.
        bool read = made is BaseObjectCreationExpressionSyntax { Initializer: not null };
        if (made is BaseObjectCreationExpressionSyntax { Initializer: { } initializer })
        {
            foreach (var expression in initializer.Expressions)
            {
                if (expression is AssignmentExpressionSyntax { Left: IdentifierNameSyntax member, Right: var value })
                    assigned[member.Identifier.ValueText] = SizeOf(value, configName, arguments);
            }
        }
        // A computed size (Padding => (Kernel - 1) / 2) follows from this instance's sizes, never from the record's defaults;
        // one that is no arithmetic of sizes is unknown.
        Dim Leaf(Dim d) =>
            d.Kind != DimKind.HyperParameter ? d
            : assigned.TryGetValue(d.Name, out var size) ? size
            : names.IsComputed(d.Name) ? Dim.Unknown
            : read && names.Default(d.Name) is { } fallback ? Dim.Constant(fallback) : Dim.Unknown;
        return new BlockInstance(names, dim => names.Expand(dim).Rewrite(Leaf));
    }

    /// <summary>What a method returns when it is one expression: its expression body or its single <c>return</c>.</summary>
    private static ExpressionSyntax? Made(MethodDeclarationSyntax? syntax) =>
        syntax?.ExpressionBody?.Expression ?? (syntax?.Body?.Statements is [ReturnStatementSyntax { Expression: { } returned }] ? returned : null);

    /// <summary>
    /// A size the sizes method assigns, in the parent's terms: literals, the parent's hyperparameters, arithmetic of those;
    /// inside a helper, its parameters stand for the caller's <paramref name="arguments"/>.
    /// </summary>
    private Dim SizeOf(ExpressionSyntax expression, string? configName, IReadOnlyDictionary<string, ExpressionSyntax>? arguments = null)
    {
        switch (expression)
        {
            case ParenthesizedExpressionSyntax inner:
                return SizeOf(inner.Expression, configName, arguments);
            case IdentifierNameSyntax parameter when arguments is not null && arguments.TryGetValue(parameter.Identifier.ValueText, out var argument):
                return SizeOf(argument, configName);
            case LiteralExpressionSyntax { Token.Value: int or long } literal:
                return Dim.Constant(System.Convert.ToInt64(literal.Token.Value, System.Globalization.CultureInfo.InvariantCulture));
            case MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax owner, Name: IdentifierNameSyntax member }
                when owner.Identifier.ValueText == configName && _dimNames.Contains(member.Identifier.ValueText):
                return Dim.HyperParameter(member.Identifier.ValueText, (_dimNames as HyperParameterSizes)?.Default(member.Identifier.ValueText));
            case BinaryExpressionSyntax binary:
            {
                var (left, right) = (SizeOf(binary.Left, configName, arguments), SizeOf(binary.Right, configName, arguments));
                if (left.Kind == DimKind.Unknown || right.Kind == DimKind.Unknown) return Dim.Unknown;
                return binary.Kind() switch
                {
                    SyntaxKind.AddExpression => Dim.Sum([left, right]),
                    SyntaxKind.MultiplyExpression => Dim.Product([left, right]),
                    SyntaxKind.SubtractExpression when right.Kind == DimKind.Constant => Dim.Sum([left, Dim.Constant(-right.Value)]),
                    SyntaxKind.DivideExpression => Dim.Quotient(left, right) ?? Dim.Unknown,
                    _ => Dim.Unknown,
                };
            }
            case ConditionalExpressionSyntax choice:
            {
                // Per block index: unknown here, unless both arms give one size.
                var (whenTrue, otherwise) = (SizeOf(choice.WhenTrue, configName, arguments), SizeOf(choice.WhenFalse, configName, arguments));
                return whenTrue == otherwise ? whenTrue : Dim.Unknown;
            }
            default:
                return Dim.Unknown;
        }
    }

    /// <summary>A <c>[Parameter]</c> property of the model: the learned tensor, with its declared shape; unknown for anything else.</summary>
    private Value Learned(ExpressionSyntax expression)
    {
        if (_model.GetSymbolInfo(expression, _cancellation).Symbol is not IPropertySymbol property
            || !SymbolEqualityComparer.Default.Equals(property.ContainingType, _type)
            || property.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == KnownTypes.ParameterAttribute) is not { ConstructorArguments: [{ Value: string text }] }
            || _dimNames is not HyperParameterSizes sizes
            || ModelParser.LearnedShape(text, sizes) is not { } shape) return Value.Unknown;
        return new Value(shape, $"'{property.Name}' (a learned {shape})");
    }

    /// <summary>A value that is one of two: each dim where both agree, unknown elsewhere, unknown when ranks differ.</summary>
    /// <summary>
    /// Two values by a condition over the hyperparameters alone: where their dims differ, each is the one the config
    /// picks (<see cref="DimKind.Choice"/>), so a summary made for a config sizes it.
    /// </summary>
    private static Value Choose(string condition, Value whenTrue, Value otherwise)
    {
        if (whenTrue == otherwise || whenTrue.Shape is null || otherwise.Shape is null || whenTrue.Shape.Rank != otherwise.Shape.Rank) return Join(whenTrue, otherwise);
        var dims = whenTrue.Shape.Dims.Zip(otherwise.Shape.Dims, (x, y) => Dim.Choice(condition, x, y));
        return new Value(new Shape(dims.ToEquatableArray()), whenTrue.Producer == otherwise.Producer ? whenTrue.Producer : null);
    }

    /// <summary>
    /// A condition that reads only integer hyperparameters and literals (<c>Config.Stride == 1 &amp;&amp; Config.In == Config.Out</c>),
    /// as C# over a <c>config</c> variable; null for anything else (a shape, a flag, a call).
    /// </summary>
    private string? ConfigCondition(ExpressionSyntax condition)
    {
        switch (condition)
        {
            case ParenthesizedExpressionSyntax inner:
                return ConfigCondition(inner.Expression) is { } text ? "(" + text + ")" : null;
            case PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalNotExpression, Operand: var operand }:
                return ConfigCondition(operand) is { } negated ? "!" + negated : null;
            case BinaryExpressionSyntax binary when binary.Kind() is SyntaxKind.LogicalAndExpression or SyntaxKind.LogicalOrExpression
                or SyntaxKind.EqualsExpression or SyntaxKind.NotEqualsExpression or SyntaxKind.LessThanExpression
                or SyntaxKind.LessThanOrEqualExpression or SyntaxKind.GreaterThanExpression or SyntaxKind.GreaterThanOrEqualExpression:
                return ConfigCondition(binary.Left) is { } left && ConfigCondition(binary.Right) is { } right ? $"{left} {binary.OperatorToken.Text} {right}" : null;
            case LiteralExpressionSyntax { Token.Value: int or long } literal:
                return literal.Token.Text;
            case MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.ValueText: "Config" } or MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax, Name.Identifier.ValueText: "Config" }, Name: IdentifierNameSyntax name }
                when _dimNames.Contains(name.Identifier.ValueText):
                return "config." + Names.Identifier(name.Identifier.ValueText);
            default:
                return null;
        }
    }

    private static Value Join(Value a, Value b)
    {
        if (a == b) return a;
        if (a.Shape is null || b.Shape is null || a.Shape.Rank != b.Shape.Rank) return Value.Unknown;
        var dims = a.Shape.Dims.Zip(b.Shape.Dims, (x, y) => x == y ? x : Dim.Unknown);
        return new Value(new Shape(dims.ToEquatableArray()), a.Producer == b.Producer ? a.Producer : null);
    }

    private void Return(ExpressionSyntax expression, Shape? output)
    {
        if (output is null && _outputs is not null)
        {
            ReturnTuple(expression, _outputs);
            return;
        }
        var value = Evaluate(expression);
        _onValue?.Invoke(expression.Parent is ArrowExpressionClauseSyntax arrow ? arrow.Parent! : expression.Parent!, value.Shape);
        _result = _result is null ? value : Join(_result, value);
        CheckResult(expression, value, output);
    }

    /// <summary>A tuple result (<c>return (Classify(h), Locate(h));</c>): each element against its declared shape.</summary>
    private void ReturnTuple(ExpressionSyntax expression, IReadOnlyList<Shape> outputs)
    {
        if (expression is TupleExpressionSyntax tuple && tuple.Arguments.Count == outputs.Count)
        {
            for (int i = 0; i < outputs.Count; i++) CheckResult(tuple.Arguments[i].Expression, Evaluate(tuple.Arguments[i].Expression), outputs[i]);
            return;
        }
        var value = Evaluate(expression);
        if (value.Elements is { } elements && elements.Count == outputs.Count)
        {
            for (int i = 0; i < outputs.Count; i++) CheckResult(expression, elements[i].Value, outputs[i]);
        }
    }

    private void CheckResult(ExpressionSyntax expression, Value value, Shape? output)
    {
        if (output is null || value.Shape is null) return;
        if (ShapeComparison.Mismatch(output, value.Shape, sameSymbols: true) is not { } reason)
        {
            Check("the forward result", output, value.Shape, value.Producer);
            // After any problem reported on the way, an odd result is its consequence: one mistake, one diagnostic.
            if (_reported.Count == 0 && ShapeComparison.ResultCondition(output, value.Shape, _inputSymbols) is { } condition)
            {
                string method = expression.FirstAncestorOrSelf<MethodDeclarationSyntax>()?.Identifier.ValueText ?? "the result";
                Report(new ShapeProblem(ShapeProblemKind.OnlyWhen, expression, method, output.ToString(), value.Shape.ToString(),
                    With($"it returns {value.Shape} where its signature declares {output}, which fits only when {condition}", value.Producer), null));
            }
        }
        else
        {
            Report(new ShapeProblem(ShapeProblemKind.ForwardResult, expression, "", output.ToString(), value.Shape.ToString(), With(reason, value.Producer), null,
                FixOutput: value.Shape.Dims.All(d => d.Kind is DimKind.Constant or DimKind.Symbol or DimKind.HyperParameter or DimKind.Variadic) ? value.Shape.Text : null));
        }
    }

    private Value Evaluate(ExpressionSyntax expression) => _equal.Count == 0 ? EvaluateAll(expression) : Assumed(EvaluateAll(expression));

    private Value EvaluateAll(ExpressionSyntax expression)
    {
        switch (expression)
        {
            case ParenthesizedExpressionSyntax parenthesized:
                return Evaluate(parenthesized.Expression);
            case IdentifierNameSyntax identifier:
                return _locals.TryGetValue(identifier.Identifier.ValueText, out var value) ? value : Learned(identifier);
            case MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax, Name: IdentifierNameSyntax member } when !_locals.ContainsKey(member.Identifier.ValueText):
                return Learned(member);
            case InvocationExpressionSyntax invocation:
                try
                {
                    return Invocation(invocation);
                }
                catch (System.OverflowException)
                {
                    // Sizes past 2^63 (absurd literals, already reported as out of range) have no shape to check.
                    return Value.Unknown;
                }
            case ConditionalExpressionSyntax conditional:
            {
                Evaluate(conditional.Condition);
                var whenTrue = Assuming(conditional.Condition, () => Evaluate(conditional.WhenTrue));
                var otherwise = Evaluate(conditional.WhenFalse);
                Disagreement(conditional, "The conditional", conditional.Condition, whenTrue, otherwise);
                return ConfigCondition(conditional.Condition) is { } condition ? Choose(condition, whenTrue, otherwise) : Join(whenTrue, otherwise);
            }
            case SwitchExpressionSyntax choice when choice.Arms.Count > 0:
                Evaluate(choice.GoverningExpression);
                // An arm that throws gives no value; the others agree where they agree.
                var arms = choice.Arms.Where(a => a.Expression is not ThrowExpressionSyntax).Select(a => Evaluate(a.Expression)).ToList();
                return arms.Count == 0 ? Value.Unknown : arms.Aggregate(Join);
            case BinaryExpressionSyntax binary when binary.Kind() is SyntaxKind.AddExpression or SyntaxKind.SubtractExpression or SyntaxKind.MultiplyExpression or SyntaxKind.DivideExpression
                or SyntaxKind.GreaterThanExpression or SyntaxKind.LessThanExpression or SyntaxKind.GreaterThanOrEqualExpression or SyntaxKind.LessThanOrEqualExpression:
                return Elementwise(binary);
            case MemberAccessExpressionSyntax member when member.IsKind(SyntaxKind.SimpleMemberAccessExpression):
                return Evaluate(member.Expression).Element(member.Name.Identifier.ValueText);
            // One part of a Chunk or Split: parts[1].
            case ElementAccessExpressionSyntax { ArgumentList.Arguments: [var index] } access when Constant(index.Expression) is { } at:
            {
                var whole = Evaluate(access.Expression);
                return whole.Elements is { } elements && at >= 0 && at < elements.Count ? elements[(int)at].Value : Value.Unknown;
            }
            default:
                foreach (var inner in expression.ChildNodes().OfType<ExpressionSyntax>()) Evaluate(inner);
                return Value.Unknown;
        }
    }

    private Value Elementwise(BinaryExpressionSyntax binary) =>
        Elementwise(binary, binary.OperatorToken.Text, binary.Left, Evaluate(binary.Left), binary.Right, Evaluate(binary.Right));

    /// <summary><paramref name="left"/> <paramref name="op"/> <paramref name="right"/>, broadcast; reported on <paramref name="node"/> (<c>a + b</c> or <c>a += b</c>).</summary>
    private Value Elementwise(SyntaxNode node, string op, ExpressionSyntax leftSyntax, Value left, ExpressionSyntax rightSyntax, Value right)
    {
        if (!IsTensor(leftSyntax) || !IsTensor(rightSyntax))
        {
            // A tensor and a scalar: the tensor's shape.
            return IsTensor(leftSyntax) ? left : IsTensor(rightSyntax) ? right : Value.Unknown;
        }
        left = left with { Shape = AsComputed(left.Shape, right.Shape) };
        right = right with { Shape = AsComputed(right.Shape, left.Shape) };
        var (result, problem) = ShapeComparison.Broadcast(left.Shape, right.Shape);
        if (problem is not null)
        {
            Report(new ShapeProblem(ShapeProblemKind.Broadcast, node, op, left.Shape!.ToString(), right.Shape!.ToString(), problem, null));
        }
        else if (ShapeComparison.BroadcastCondition(left.Shape, right.Shape) is { } condition)
        {
            Report(new ShapeProblem(ShapeProblemKind.OnlyWhen, node, op, left.Shape!.ToString(), right.Shape!.ToString(), condition, null));
        }
        return new Value(result, null);
    }

    /// <summary>
    /// <paramref name="shape"/> with each dim that is what a computed size of <paramref name="other"/> stands for written as that
    /// size: the patches and a class token concatenated are <c>Tokens</c> when <c>Tokens =&gt; (Image / Patch) * (Image / Patch) + 1</c>.
    /// </summary>
    private Shape? AsComputed(Shape? shape, Shape? other)
    {
        if (shape is null || other is null || _dimNames is not HyperParameterSizes names) return shape;
        var dims = shape.Dims.ToArray();
        for (int i = 1; i <= System.Math.Min(shape.Rank, other.Rank); i++)
        {
            var (mine, theirs) = (dims[shape.Rank - i], other.Dims[other.Rank - i]);
            if (mine != theirs && theirs is { Kind: DimKind.HyperParameter } && names.IsComputed(theirs.Name) && names.Expand(theirs) == names.Expand(mine))
                dims[shape.Rank - i] = theirs;
        }
        return new Shape(dims.ToEquatableArray());
    }

    /// <summary>A tensor, or a value whose type the generator cannot see yet (a call into generated code).</summary>
    private bool MaybeTensor(ExpressionSyntax expression) =>
        _model.GetTypeInfo(expression, _cancellation).Type is not { TypeKind: not TypeKind.Error } type || type.ToDisplayString() == "TorchSharp.torch.Tensor";

    private bool IsTensor(ExpressionSyntax expression) =>
        _model.GetTypeInfo(expression, _cancellation).Type?.ToDisplayString() == "TorchSharp.torch.Tensor";

    private Value Invocation(InvocationExpressionSyntax invocation)
    {
        var arguments = invocation.ArgumentList.Arguments;
        // Inside the generator, an argument that calls generated code has no type yet, so the call binds
        // to no overload: its one candidate is the method meant.
        var symbol = _model.GetSymbolInfo(invocation, _cancellation);
        // Candidates that are overloads of one Ops method (Concat of tensors or of a list) have one rule: by name.
        var method = (symbol.Symbol ?? (symbol.CandidateSymbols.Length == 1
            || symbol.CandidateSymbols.Length > 1 && symbol.CandidateSymbols.All(c => c.ContainingType?.ToDisplayString() == KnownTypes.Ops && c.Name == symbol.CandidateSymbols[0].Name)
            ? symbol.CandidateSymbols[0] : null)) as IMethodSymbol;
        if (method is not null && SymbolEqualityComparer.Default.Equals(method.ContainingType, _type)
            && _layers.TryGetValue(method.Name, out var layer) && arguments.Count == layer.Parameters.Count)
        {
            return Layer(layer, method, arguments);
        }
        if (method is not null && method.ContainingType?.ToDisplayString() == KnownTypes.Ops && arguments.Count >= 1)
        {
            return Op(invocation, method);
        }
        if (method is not null && SignatureOf(method) is { } signed)
        {
            var result = Signed(invocation, method.Name, "[Shape] " + signed.Trim(), signed, null);
            if (Helper(method) is { } body && result.Shape is not null)
            {
                // The summary lists the helper's own layers where it is called, not the helper. Its body is
                // checked against its signature on its own, so following it here reports nothing twice.
                _rows.RemoveAt(_rows.Count - 1);
                _silent++;
                // The arguments again, for their values only: their rows and checks are already in.
                int rows = _rows.Count, checks = _checks.Count;
                var values = arguments.Select(a => Evaluate(a.Expression)).ToList();
                _rows.RemoveRange(rows, _rows.Count - rows);
                _checks.RemoveRange(checks, _checks.Count - checks);
                _ = Inline(method, body, values);
                _silent--;
            }
            return result;
        }
        // Matched by name: inside the generator the sub-model's generated base (and so `call`) is not visible yet.
        if (invocation.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "call" or "forward" } access
            && _model.GetSymbolInfo(access.Expression, _cancellation).Symbol is IPropertySymbol property
            && SymbolEqualityComparer.Default.Equals(property.ContainingType, _type)
            && property.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == KnownTypes.SubmodelAttribute)
            && property.Type is INamedTypeSymbol submodel
            && ModelParser.Forward(submodel).Signature is { } forward)
        {
            return Signed(invocation, property.Name, submodel.Name, forward, property.Name, Instance(property, submodel), submodel: true);
        }
        if (invocation.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "call" or "forward", Expression: var blockExpression }
            && BlockKey(blockExpression) is { } blockKey
            && _blocks.TryGetValue(blockKey, out var repeated)
            && ModelParser.Forward(repeated.Block).Signature is { } blockForward)
        {
            string count = ModelParser.RepeatOf(repeated.Property) is { } repeat
                ? (repeat.IsHyperParameter ? repeat.HyperParameter! : ((long)repeat.Literal).ToString(System.Globalization.CultureInfo.InvariantCulture))
                : "?";
            return Signed(invocation, repeated.Property.Name, $"{count} x {repeated.Block.Name}", blockForward, repeated.Property.Name, Instance(repeated.Property, repeated.Block), submodel: true);
        }
        if (method is not null && Helper(method) is { } helper)
        {
            return Inline(method, helper, arguments);
        }
        foreach (var argument in arguments) Evaluate(argument.Expression);
        return Value.Unknown;
    }

    /// <summary>How a loop's block is named in <see cref="_blocks"/>: <c>block</c> of a <c>foreach</c>, <c>[i]Blocks</c> of an indexed loop.</summary>
    private static string? BlockKey(ExpressionSyntax expression) => expression switch
    {
        IdentifierNameSyntax name => name.Identifier.ValueText,
        ElementAccessExpressionSyntax { Expression: IdentifierNameSyntax list, ArgumentList.Arguments: [{ Expression: IdentifierNameSyntax index }] } =>
            "[" + index.Identifier.ValueText + "]" + list.Identifier.ValueText,
        _ => null,
    };

    /// <summary>
    /// A helper of the model without <c>[Shape]</c> (a private method or a local function) in the
    /// same file, whose body the walk can follow: its parameters, and its body or arrow.
    /// </summary>
    private (SeparatedSyntaxList<ParameterSyntax> Parameters, SyntaxNode Body)? Helper(IMethodSymbol method)
    {
        if (method.IsAbstract || method.IsGenericMethod || method.DeclaringSyntaxReferences.Length != 1) return null;
        if (method.MethodKind != MethodKind.LocalFunction && !SymbolEqualityComparer.Default.Equals(method.ContainingType, _type)) return null;
        var syntax = method.DeclaringSyntaxReferences[0].GetSyntax(_cancellation);
        if (syntax.SyntaxTree != _model.SyntaxTree) return null;
        var (parameters, body) = syntax switch
        {
            MethodDeclarationSyntax declared => (declared.ParameterList.Parameters, (SyntaxNode?)declared.Body ?? declared.ExpressionBody),
            LocalFunctionStatementSyntax local => (local.ParameterList.Parameters, (SyntaxNode?)local.Body ?? local.ExpressionBody),
            _ => (default, null),
        };
        return body is null ? null : (parameters, body);
    }

    /// <summary>
    /// Follows a helper's body with its parameters bound to the arguments' values: what it returns
    /// (several returns joined), and every layer or op call inside checked where it is written.
    /// Three helpers deep at most, never into one already being followed.
    /// </summary>
    private Value Inline(IMethodSymbol method, (SeparatedSyntaxList<ParameterSyntax> Parameters, SyntaxNode Body) helper, SeparatedSyntaxList<ArgumentSyntax> arguments)
    {
        var values = arguments.Select(a => Evaluate(a.Expression)).ToList();
        return arguments.Any(a => a.NameColon is not null) ? Value.Unknown : Inline(method, helper, values);
    }

    private Value Inline(IMethodSymbol method, (SeparatedSyntaxList<ParameterSyntax> Parameters, SyntaxNode Body) helper, IReadOnlyList<Value> values)
    {
        if (_inlining.Count >= 3 || _inlining.Any(m => SymbolEqualityComparer.Default.Equals(m, method)) || values.Count != helper.Parameters.Count) return Value.Unknown;

        var savedLocals = _locals;
        var savedReturns = _returns;
        // A local function sees the enclosing locals; a method only its parameters.
        _locals = method.MethodKind == MethodKind.LocalFunction ? new Dictionary<string, Value>(savedLocals) : new Dictionary<string, Value>();
        for (int i = 0; i < values.Count; i++) _locals[helper.Parameters[i].Identifier.ValueText] = values[i];
        _returns = new List<Value>();
        _inlining.Add(method);
        try
        {
            if (helper.Body is ArrowExpressionClauseSyntax arrow) _returns.Add(Evaluate(arrow.Expression));
            else if (helper.Body is BlockSyntax block) Block(block, null);
            return _returns.Count == 0 ? Value.Unknown : _returns.Aggregate(Join);
        }
        finally
        {
            _inlining.RemoveAt(_inlining.Count - 1);
            _locals = savedLocals;
            _returns = savedReturns;
        }
    }

    /// <summary>A layer call: each input checked against what the layer accepts, the output (and a recurrent layer's states) computed.</summary>
    private Value Layer(LayerSpec layer, IMethodSymbol method, SeparatedSyntaxList<ArgumentSyntax> arguments)
    {
        var inputs = arguments.Select(a => Evaluate(a.Expression)).ToList();
        bool mismatched = false;
        for (int i = 0; i < inputs.Count; i++)
        {
            if (inputs[i].Shape is not { } shape || LayerRules.Accepts(layer, i, shape) is not { } accepted) continue;
            if (ShapeComparison.Mismatch(accepted, shape) is not { } reason)
            {
                Check($"'{layer.Name}'", accepted, shape, inputs[i].Producer);
                if (ShapeComparison.Condition(accepted, shape) is { } condition)
                {
                    Report(new ShapeProblem(ShapeProblemKind.OnlyWhen, arguments[i].Expression, layer.Name, accepted.ToString(), shape.ToString(),
                        With($"it fits only when {condition}", inputs[i].Producer), null));
                }
                continue;
            }
            mismatched = true;
            var suggestion = Suggest(layer, shape, arguments[i].Expression);
            bool resize = suggestion is not null && SetsInputSize(layer, shape);
            Report(new ShapeProblem(
                ShapeProblemKind.CallArgument, arguments[i].Expression, layer.Name, accepted.ToString(), shape.ToString(),
                With(reason, inputs[i].Producer), suggestion,
                FixLayer: resize ? layer.Name : null,
                FixSize: resize ? shape.Dims[1].Value : null));
        }
        var input = inputs[0];
        var result = LayerRules.Apply(layer, input.Shape);
        if (result.Problem is not null && !mismatched)
        {
            Report(new ShapeProblem(
                ShapeProblemKind.CallArgument, arguments[0].Expression, layer.Name, LayerRules.Accepts(layer, 0, input.Shape)?.ToString() ?? "?", input.Shape!.ToString(),
                With(result.Problem, input.Producer), null));
        }
        // After a reported mismatch the output is unknown: one mistake, one diagnostic.
        var output = mismatched ? null : result.Output;
        bool first = !_rows.Any(r => r.LayerName == layer.Name);
        _rows.Add(new SummaryRowSpec(layer.Name, LayerCatalog.Of(layer.Kind).Module, output, first ? layer.Name : null));
        string producer = $"'{layer.Name}' ({Describe(layer)})";
        if (!layer.ReturnsStates) return new Value(output, producer);

        var names = method.ReturnType is INamedTypeSymbol { IsTupleType: true } tuple
            ? tuple.TupleElements.Select(e => e.IsExplicitlyNamedTupleElement ? e.Name : null).ToList()
            : new List<string?>();
        var shapes = LayerRules.RecurrentResults(layer, output);
        return new Value(null, producer)
        {
            Elements = shapes.Select((shape, i) => (i < names.Count ? names[i] : null, new Value(shape, producer))).ToList(),
        };
    }

    /// <summary>A <c>Sculpt.Ops</c> call: its rule, its row in the summary, and its problem if it cannot apply.</summary>
    private Value Op(InvocationExpressionSyntax invocation, IMethodSymbol method)
    {
        var arguments = invocation.ArgumentList.Arguments;
        string name = method.Name;
        bool tensorsFirst = name is not ("Concat" or "Stack");
        var tensors = new List<Value>();
        var constants = new List<long>();
        bool allConstant = true;
        foreach (var argument in arguments)
        {
            if (Constant(argument.Expression) is { } value) constants.Add(value);
            else if (_model.GetConstantValue(argument.Expression, _cancellation).Value is bool) continue;
            else if (MaybeTensor(argument.Expression)) tensors.Add(Evaluate(argument.Expression));
            else
            {
                Evaluate(argument.Expression);
                allConstant = false;
            }
        }
        var input = tensors.Count > 0 ? tensors[0] : Value.Unknown;
        if (name is "Chunk" or "Split") return Parts(invocation, name, input, allConstant ? constants : null);
        string kind = ElementwiseOps.TryGetValue(name, out var module) ? module : name;
        RuleResult result = !allConstant || (tensorsFirst && tensors.Count == 0)
            ? RuleResult.Unknown
            : name switch
            {
                "Flatten" => Flatten(input.Shape, constants),
                "Reshape" => OpRules.Reshape(input.Shape, constants),
                "Transpose" when constants.Count == 2 => OpRules.Transpose(input.Shape, constants[0], constants[1]),
                "Permute" => OpRules.Permute(input.Shape, constants),
                "MatMul" when tensors.Count == 2 => OpRules.MatMul(tensors[0].Shape, tensors[1].Shape),
                "Concat" when constants.Count == 1 => OpRules.Concat(constants[0], tensors.Select(t => t.Shape).ToList()),
                "Stack" when constants.Count == 1 => OpRules.Stack(constants[0], tensors.Select(t => t.Shape).ToList()),
                "Sum" or "Mean" or "Max" or "Min" or "ArgMax" when constants.Count >= 1 => OpRules.Reduce(input.Shape, constants[0], KeepDim(invocation)),
                "Unsqueeze" when constants.Count == 1 => OpRules.Unsqueeze(input.Shape, constants[0]),
                "Squeeze" when constants.Count == 1 => OpRules.Squeeze(input.Shape, constants[0]),
                "Narrow" when constants.Count == 3 => OpRules.Narrow(input.Shape, constants[0], constants[1], constants[2]),
                "Pad" when constants.Count == 2 => OpRules.Pad(input.Shape, constants[0], constants[1]),
                "Clamp" => new RuleResult(input.Shape, null),
                "Where" when tensors.Count == 3 => Where(tensors),
                "ExpandBatch" when tensors.Count == 2 => OpRules.ExpandBatch(tensors[0].Shape, tensors[1].Shape),
                "Softmax" when constants.Count == 1 => OpRules.Softmax(input.Shape, constants[0]),
                "Select" when constants.Count == 2 => OpRules.Select(input.Shape, constants[0], constants[1]),
                "Positions" => OpRules.Positions(input.Shape),
                _ when ElementwiseOps.ContainsKey(name) => new RuleResult(ShapeRules.Elementwise(input.Shape), null),
                _ => RuleResult.Unknown,
            };
        if (result.Problem is not null)
        {
            string received = string.Join(" and ", tensors.Select(t => t.Shape?.ToString() ?? "?"));
            Report(new ShapeProblem(ShapeProblemKind.CallArgument, invocation, "Ops." + name, Requirement(name), received, result.Problem, null));
        }
        else if (name == "Reshape" && allConstant && OpRules.ReshapeCondition(input.Shape, constants) is { } reshaped)
        {
            Report(new ShapeProblem(ShapeProblemKind.OnlyWhen, invocation, "Ops." + name, Requirement(name), input.Shape!.ToString(), reshaped, null));
        }
        else if (name == "MatMul" && tensors.Count == 2 && OpRules.MatMulCondition(tensors[0].Shape, tensors[1].Shape) is { } condition)
        {
            // q @ k without the transpose: [B, T, D] @ [B, T, D] multiplies only when T = D.
            Report(new ShapeProblem(ShapeProblemKind.OnlyWhen, invocation, "Ops." + name, Requirement(name),
                string.Join(" and ", tensors.Select(t => t.Shape!.ToString())), condition, null));
        }
        _rows.Add(new SummaryRowSpec("Ops." + name, kind, result.Output, null));
        bool passesProducer = ElementwiseOps.ContainsKey(name) || name is "Softmax" or "Clamp";
        return new Value(result.Output, passesProducer ? input.Producer : $"'Ops.{name}' ({string.Join(", ", tensors.Select(t => t.Shape?.ToString() ?? "?"))} -> {result.Output?.ToString() ?? "?"})");
    }

    /// <summary><c>Ops.Chunk(x, n, dim)</c> and <c>Ops.Split(x, dim, sizes...)</c>: a value whose elements are the parts, read by deconstruction or index.</summary>
    private Value Parts(InvocationExpressionSyntax invocation, string name, Value input, IReadOnlyList<long>? constants)
    {
        var (parts, problem) = constants is null ? (null, null)
            : name == "Chunk" && constants.Count == 2 ? OpRules.Chunk(input.Shape, constants[0], constants[1])
            : name == "Split" && constants.Count >= 2 ? OpRules.Split(input.Shape, constants[0], constants.Skip(1).ToList())
            : (null, null);
        if (problem is not null)
        {
            Report(new ShapeProblem(ShapeProblemKind.CallArgument, invocation, "Ops." + name, Requirement(name), input.Shape?.ToString() ?? "?", problem, null));
        }
        _rows.Add(new SummaryRowSpec("Ops." + name, name, parts is { Count: > 0 } ? parts[0] : null, null));
        if (parts is null) return Value.Unknown;
        string producer = $"'Ops.{name}' ({input.Shape?.ToString() ?? "?"} -> {string.Join(", ", parts.Select(p => p?.ToString() ?? "?"))})";
        return new Value(null, producer) { Elements = parts.Select(p => ((string?)null, new Value(p, producer))).ToList() };
    }

    /// <summary>The elementwise <see cref="Sculpt"/> Ops (shape unchanged), with the module name the summary shows for each.</summary>
    private static readonly Dictionary<string, string> ElementwiseOps = new()
    {
        ["Relu"] = "ReLU", ["Gelu"] = "GELU", ["Tanh"] = "Tanh", ["Sigmoid"] = "Sigmoid", ["Silu"] = "SiLU", ["Relu6"] = "ReLU6",
        ["LeakyRelu"] = "LeakyReLU", ["Elu"] = "ELU", ["Mish"] = "Mish", ["Hardswish"] = "Hardswish", ["Hardsigmoid"] = "Hardsigmoid", ["Softplus"] = "Softplus",
    };

    /// <summary>The signature text of a method marked <c>[Shape]</c>.</summary>
    public static string? SignatureOf(IMethodSymbol method) =>
        method.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == KnownTypes.ShapeAttribute)
            ?.ConstructorArguments.FirstOrDefault().Value as string;

    /// <summary>A call with a known signature (a <c>[Shape]</c> helper or a sub-model): each argument unified, the result substituted.</summary>
    private Value Signed(InvocationExpressionSyntax invocation, string name, string kind, string text, string? layerName, BlockInstance? instance = null, bool submodel = false)
    {
        var arguments = invocation.ArgumentList.Arguments;
        var values = arguments.Select(a => MaybeTensor(a.Expression) ? Evaluate(a.Expression) : EvaluateOther(a.Expression)).ToList();
        var (signature, error) = SignatureParser.Parse(text, instance?.Names ?? _dimNames);
        var tensorArguments = arguments.Select((a, i) => (Argument: a, Value: values[i])).Where(p => MaybeTensor(p.Argument.Expression)).ToList();
        if (error is not null || signature!.Inputs.Count != tensorArguments.Count) return Value.Unknown;
        if (instance is not null)
        {
            // The block's own hyperparameters become this instance's sizes, in the parent's terms.
            Shape Sized(Shape shape) => new(shape.Dims.Select(instance.Replace).ToEquatableArray());
            signature = new Signature(signature.Inputs.Select(Sized).ToEquatableArray(), Sized(signature.Output)) { Outputs = signature.Outputs.Select(Sized).ToEquatableArray() };
        }
        if (submodel)
        {
            // A size only the sub-model's result shows (P of B C H W -> B C P Q) is this call's own: Stage2.P, which its
            // summary sizes from the sub-model's, and which never stands for another call's P.
            var given = new HashSet<string>(signature.Inputs.SelectMany(s => s.Dims).SelectMany(SymbolsOf));
            Shape Own(Shape shape) => new(shape.Dims.Select(d => d.Rewrite(x => x.Kind == DimKind.Symbol && !given.Contains(x.Name) ? Dim.Symbol(name + "." + x.Name) : x)).ToEquatableArray());
            signature = new Signature(signature.Inputs, Own(signature.Output)) { Outputs = signature.Outputs.Select(Own).ToEquatableArray() };
        }

        var unifier = new Unifier();
        bool failed = false;
        for (int i = 0; i < tensorArguments.Count; i++)
        {
            if (tensorArguments[i].Value.Shape is not { } actual) continue;
            if (unifier.Unify(signature.Inputs[i], actual) is not { } reason)
            {
                Check($"'{name}'", signature.Inputs[i], actual, tensorArguments[i].Value.Producer);
            }
            else
            {
                failed = true;
                Report(new ShapeProblem(
                    ShapeProblemKind.CallArgument, tensorArguments[i].Argument.Expression, name, signature.Inputs[i].ToString(), actual.ToString(),
                    With(reason, tensorArguments[i].Value.Producer), null));
            }
        }
        // After a mismatch the result is unknown, so one mistake is reported once.
        var output = failed ? null : unifier.Substitute(signature.Output);
        bool first = layerName is not null && !_rows.Any(r => r.LayerName == layerName);
        _rows.Add(new SummaryRowSpec(name, kind, output, first ? layerName : null) { Input = tensorArguments.Count > 0 ? tensorArguments[0].Value.Shape : null });
        string producer = $"'{name}' ({text.Trim()})";
        if (signature.Outputs.Count == 1) return new Value(output, producer);
        // A call that returns a tuple: its elements, read by deconstruction, .Item1 or a name.
        var names = _model.GetSymbolInfo(invocation, _cancellation).Symbol is IMethodSymbol { ReturnType: INamedTypeSymbol { IsTupleType: true } tupleType }
            ? tupleType.TupleElements.Select(e => e.IsExplicitlyNamedTupleElement ? e.Name : null).ToList()
            : [];
        return new Value(null, producer)
        {
            Elements = signature.Outputs.Select((shape, i) => (i < names.Count ? names[i] : null, new Value(failed ? null : unifier.Substitute(shape), producer))).ToList(),
        };
    }

    private static IEnumerable<string> SymbolsOf(Dim dim) =>
        dim.Kind is DimKind.Symbol or DimKind.Variadic ? [dim.Name] : dim.Factors.SelectMany(SymbolsOf);

    private Value EvaluateOther(ExpressionSyntax expression)
    {
        Evaluate(expression);
        return Value.Unknown;
    }

    private static RuleResult Flatten(Shape? input, IReadOnlyList<long> dims)
    {
        long start = dims.Count > 0 ? dims[0] : 1, end = dims.Count > 1 ? dims[1] : -1;
        if (input is null || input.HasVariadic) return RuleResult.Unknown;
        var output = ShapeRules.Flatten(input, start, end);
        return output is null ? RuleResult.Fail($"a tensor with {input.Rank} dims has no dims {start}..{end}") : new RuleResult(output, null);
    }

    /// <summary><c>Ops.Where(condition, a, b)</c>: the three broadcast together, the first problem reported.</summary>
    private static RuleResult Where(IReadOnlyList<Value> tensors)
    {
        var (ab, problem) = ShapeComparison.Broadcast(tensors[1].Shape, tensors[2].Shape);
        if (problem is not null) return RuleResult.Fail(problem);
        var (all, conditionProblem) = ShapeComparison.Broadcast(tensors[0].Shape, ab);
        return conditionProblem is not null ? RuleResult.Fail(conditionProblem) : new RuleResult(all, null);
    }

    private static string Requirement(string op) => op switch
    {
        "Squeeze" => "a dim of size 1",
        "Narrow" => "a range inside the dim",
        "Chunk" => "a dim to cut into equal parts",
        "Split" => "sizes that add up to the dim",
        "Where" => "a condition and two values that broadcast together",
        "ExpandBatch" => "a [1, ...] token and a batch [B, ...]",
        "Reshape" => "as many elements as the new shape",
        "MatMul" => "[*, N, K] and [*, K, M]",
        "Concat" => "tensors that differ only along the joined dim",
        "Stack" => "tensors of one shape",
        "Permute" => "a permutation of every dim",
        "Select" => "a dim inside the tensor and an index inside the dim",
        "Positions" => "a batch of sequences [B, T, ...]",
        _ => "a dim inside the tensor",
    };

    private bool KeepDim(InvocationExpressionSyntax invocation) =>
        invocation.ArgumentList.Arguments.Any(a => _model.GetConstantValue(a.Expression, _cancellation) is { HasValue: true, Value: true });

    private long? Constant(ExpressionSyntax expression)
    {
        var constant = _model.GetConstantValue(expression, _cancellation);
        return constant.HasValue && constant.Value is not bool && HyperParametersParser.AsDouble(constant.Value) is { } value ? (long)value : null;
    }

    private void Report(ShapeProblem problem)
    {
        if (_silent == 0 && _report is not null && _reported.Add((problem.Node.Span, problem.Reason))) _report(problem);
    }

    private static string With(string reason, string? producer) => producer is null ? reason : $"{reason}; it comes from {producer}";

    /// <summary>
    /// The fix when it repairs the cause, for a Linear that receives the wrong width: fed
    /// <c>[B, K]</c> by another layer, the one change that makes both sides agree is an input size of
    /// K (<see cref="SetsInputSize"/>); fed <c>[B, C, H, W]</c> whose trailing dims multiply to its
    /// input size, the flatten was forgotten. Anything else (a higher-rank input that does not
    /// multiply out) gets no fix: resizing the Linear would hide a missing flatten, pooling or permute.
    /// </summary>
    private static string? Suggest(LayerSpec layer, Shape input, ExpressionSyntax argument)
    {
        if (LayerCatalog.Of(layer.Kind) is not Layers.Linear || input.HasVariadic || input.Rank < 2) return null;
        if (SetsInputSize(layer, input)) return $"[Linear({input.Dims[1].Value}, {Text(layer.Arguments[1])})]";
        var features = Dim.Product(input.Dims.Skip(1));
        return input.Rank > 2 && features.WithDefaults is { } count && LayerRules.SizeDim(layer.Arguments[0]).WithDefaults == count
            ? $"Ops.Flatten({argument}) (its {string.Join("x", input.Dims.Skip(1).Select(d => d.Text))} features are the {count} it takes)"
            : null;
    }

    /// <summary>Whether the fix is a new input size for the Linear: a two-dim input whose width is a literal.</summary>
    private static bool SetsInputSize(LayerSpec layer, Shape input) =>
        LayerCatalog.Of(layer.Kind) is Layers.Linear && !input.HasVariadic && input.Rank == 2 && input.Dims[1].Kind == DimKind.Constant;

    private static string Describe(LayerSpec layer) =>
        LayerCatalog.Of(layer.Kind).Module + " " + string.Join(LayerCatalog.Of(layer.Kind) is Layers.Linear ? " -> " : ", ", layer.Arguments.Select(a => Text(a).Trim('"')));

    /// <summary>An argument as written: a hyperparameter's name, a size as an integer, a rate as the number it is (p = 0.5 stays 0.5).</summary>
    private static string Text(LayerArgument argument) =>
        argument.IsHyperParameter ? "\"" + argument.HyperParameter + "\"" : argument.Literal.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}
