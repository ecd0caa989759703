using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Sculpt.Generators.Model;

namespace Sculpt.Generators.Parsing;

/// <summary>
/// The forward body rewritten over <c>Sculpt.Export.OnnxValue</c>: the same statements, with <c>Tensor</c> read as
/// <c>OnnxValue</c>, <c>Ops.X</c> as <c>OnnxOps.X</c> and a sub-model's <c>call</c> as its <c>OnnxForward</c>, so running it
/// writes the model's ONNX graph (C# runs the loops and config branches; the graph holds what they chose). A body
/// that does anything without an ONNX form (a tensor method, a learned tensor, a helper, a layer kind with no ONNX
/// node) gets no twin but the reason, and the rewrite is only emitted when every tensor expression in it is one of
/// the forms below: what is emitted always compiles.
/// </summary>
internal static class OnnxTwin
{
    private const string Value = "global::Sculpt.Export.OnnxValue";
    private const string TensorType = "TorchSharp.torch.Tensor";

    /// <summary>The <c>Ops</c> methods with an ONNX form: those of <c>Sculpt.Export.OnnxOps</c>.</summary>
    public static readonly HashSet<string> SupportedOps = new HashSet<string>
    {
        "Relu", "Tanh", "Sigmoid", "Silu", "Gelu", "Softmax", "Flatten", "Reshape", "Transpose", "Permute", "MatMul", "Mean", "Positions",
        "Concat", "Select",
    };

    /// <summary>The layer kinds <c>Sculpt.Export.OnnxLayers</c> writes as ONNX nodes.</summary>
    public static readonly HashSet<string> SupportedLayers = new HashSet<string>
    {
        "Linear", "Dropout", "Dropout1d", "Dropout2d", "Conv1d", "Conv2d", "BatchNorm1d", "BatchNorm2d", "LayerNorm", "RMSNorm", "Embedding",
        "MaxPool2d", "AvgPool2d", "SelfAttention", "ReLU", "GELU", "Tanh", "Sigmoid", "SiLU", "Lstm", "Gru", "Identity",
    };

    /// <summary>The rewritten body (a block), or why there is none and, where one part of the body is why, that part.</summary>
    public static (string? Body, string? Problem, SyntaxNode? At) Rewrite(IMethodSymbol forward, SemanticModel model, INamedTypeSymbol type, IReadOnlyList<LayerSpec> layers, int results)
    {
        if (results != 1) return (null, "its forward returns several tensors", null);
        if (forward.Parameters.Any(p => p.Type.ToDisplayString() != TensorType)) return (null, "its forward takes something other than tensors", null);
        if (forward.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() is not MethodDeclarationSyntax method) return (null, "its forward has no body here", null);
        if (method.SyntaxTree != model.SyntaxTree) return (null, "its forward is declared in another part of the class", null);
        SyntaxNode? body = (SyntaxNode?)method.Body ?? method.ExpressionBody?.Expression;
        if (body is null) return (null, "its forward has no body", null);
        // A declaration being typed may hold two layers of one name: the first counts, as the compiler's error says.
        var supported = new Dictionary<string, LayerSpec>();
        var unsupported = new Dictionary<string, string>();
        foreach (var layer in layers)
        {
            if (supported.ContainsKey(layer.Name) || unsupported.ContainsKey(layer.Name)) continue;
            if (SupportedLayers.Contains(layer.Kind)) supported[layer.Name] = layer;
            else unsupported[layer.Name] = layer.Kind;
        }
        var rewriter = new Rewriter(model, type, supported) { Unsupported = unsupported };
        SyntaxNode? rewritten;
        try
        {
            rewritten = rewriter.Visit(body);
        }
        catch (System.Exception e) when (e is System.InvalidCastException or System.ArgumentException)
        {
            // A replacement that does not fit where it stands: no twin rather than a generator that throws.
            return (null, "its forward has a form the ONNX rewrite does not know", body);
        }
        if (rewriter.Problem is { } problem) return (null, problem, rewriter.ProblemAt);
        BlockSyntax? block = rewritten as BlockSyntax ?? (rewritten is ExpressionSyntax expression ? SyntaxFactory.Block(SyntaxFactory.ReturnStatement(expression.WithoutTrivia())) : null);
        if (block is null) return (null, "its forward has a form the ONNX rewrite does not know", body);
        return (Layout(block), null, null);
    }

    /// <summary>
    /// The block as text, comments dropped and layout normalised, so typing either in the body changes nothing generated.
    /// Where normalising would join two tokens into another (<c>- -1</c> into <c>--1</c>), the block keeps its own spacing.
    /// </summary>
    private static string Layout(BlockSyntax block)
    {
        var plain = (BlockSyntax)new CommentRemover().Visit(block)!;
        string normalized = plain.NormalizeWhitespace().ToFullString();
        var tokens = plain.DescendantTokens().Select(t => t.Text);
        var reparsed = SyntaxFactory.ParseStatement(normalized).DescendantTokens().Select(t => t.Text);
        return tokens.SequenceEqual(reparsed) ? normalized : plain.ToFullString();
    }

    private sealed class CommentRemover() : CSharpSyntaxRewriter(visitIntoStructuredTrivia: false)
    {
        public override SyntaxTrivia VisitTrivia(SyntaxTrivia trivia) =>
            trivia.IsKind(SyntaxKind.SingleLineCommentTrivia) || trivia.IsKind(SyntaxKind.MultiLineCommentTrivia)
            || trivia.IsKind(SyntaxKind.SingleLineDocumentationCommentTrivia) || trivia.IsKind(SyntaxKind.MultiLineDocumentationCommentTrivia)
                ? SyntaxFactory.Whitespace(" ")
                : trivia;
    }

    private sealed class Rewriter(SemanticModel model, INamedTypeSymbol type, Dictionary<string, LayerSpec> layers) : CSharpSyntaxRewriter
    {
        public string? Problem { get; private set; }

        /// <summary>The part of the body <see cref="Problem"/> is about.</summary>
        public SyntaxNode? ProblemAt { get; private set; }

        public Dictionary<string, string> Unsupported { get; set; } = new();

        private SyntaxNode? Refuse(SyntaxNode node, string problem)
        {
            if (Problem is null)
            {
                Problem = problem;
                ProblemAt = node;
            }
            return node;
        }

        private bool IsTensor(ExpressionSyntax expression) => model.GetTypeInfo(expression).Type?.ToDisplayString() is TensorType or TensorType + "?";

        public override SyntaxNode? Visit(SyntaxNode? node)
        {
            if (node is StatementSyntax and not (BlockSyntax or LocalDeclarationStatementSyntax or ExpressionStatementSyntax or ReturnStatementSyntax or ForEachStatementSyntax or IfStatementSyntax or ForStatementSyntax))
            {
                return Refuse(node, $"its forward uses a '{node.Kind()}' statement");
            }
            if (node is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax) return Refuse(node, "its forward uses a lambda or local function");
            return base.Visit(node);
        }

        public override SyntaxNode? VisitIdentifierName(IdentifierNameSyntax node)
        {
            // `Config` is the property the generator adds; before it exists it may bind to a config type of that name.
            // `var` stays: the twin's types are inferred as the body's are (and a deconstruction's `var` takes no type).
            if (node.Identifier.ValueText == "Config" || node.IsVar) return node;
            var symbol = model.GetSymbolInfo(node).Symbol;
            if (symbol is ITypeSymbol typeSymbol)
            {
                // The generated file has none of the user's usings: every type is written in full.
                string name = typeSymbol.ToDisplayString() == TensorType ? Value : typeSymbol.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
                return SyntaxFactory.ParseTypeName(name).WithTriviaFrom(node);
            }
            if (symbol is IPropertySymbol or IFieldSymbol && SymbolEqualityComparer.Default.Equals(symbol.ContainingType, type) && IsTensor(node))
            {
                return Refuse(node, $"its forward reads the tensor '{symbol.Name}', which is not exported");
            }
            if (symbol is { IsStatic: true } and (IFieldSymbol or IPropertySymbol) && !(node.Parent is MemberAccessExpressionSyntax access && access.Name == node))
            {
                return SyntaxFactory.ParseExpression(symbol.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) + "." + symbol.Name).WithTriviaFrom(node);
            }
            return base.VisitIdentifierName(node);
        }

        public override SyntaxNode? VisitQualifiedName(QualifiedNameSyntax node) =>
            model.GetSymbolInfo(node).Symbol is ITypeSymbol typeSymbol
                ? SyntaxFactory.ParseTypeName(typeSymbol.ToDisplayString() == TensorType ? Value : typeSymbol.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)).WithTriviaFrom(node)
                : base.VisitQualifiedName(node);

        public override SyntaxNode? VisitMemberAccessExpression(MemberAccessExpressionSyntax node)
        {
            if (model.GetSymbolInfo(node).Symbol is ITypeSymbol typeSymbol)
            {
                return SyntaxFactory.ParseTypeName(typeSymbol.ToDisplayString() == TensorType ? Value : typeSymbol.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)).WithTriviaFrom(node);
            }
            if (IsTensor(node.Expression)) return Refuse(node, $"its forward uses '{node.Name}' of a tensor");
            // A tuple's element (a recurrent layer's `.Output`) is a value of the twin; a tensor member of anything else is not.
            if (model.GetSymbolInfo(node).Symbol is IPropertySymbol or IFieldSymbol { ContainingType.IsTupleType: false } && IsTensor(node))
                return Refuse(node, $"its forward reads the tensor '{node}', which is not exported");
            return base.VisitMemberAccessExpression(node);
        }

        public override SyntaxNode? VisitElementAccessExpression(ElementAccessExpressionSyntax node) =>
            IsTensor(node.Expression) || IsTensor(node) ? Refuse(node, "its forward indexes a tensor") : base.VisitElementAccessExpression(node);

        public override SyntaxNode? VisitBinaryExpression(BinaryExpressionSyntax node)
        {
            if ((IsTensor(node.Left) || IsTensor(node.Right)) && !node.IsKind(SyntaxKind.AddExpression) && !node.IsKind(SyntaxKind.SubtractExpression)
                && !node.IsKind(SyntaxKind.MultiplyExpression) && !node.IsKind(SyntaxKind.DivideExpression))
            {
                return Refuse(node, $"its forward uses '{node.OperatorToken.Text}' on tensors");
            }
            return base.VisitBinaryExpression(node);
        }

        public override SyntaxNode? VisitInvocationExpression(InvocationExpressionSyntax node)
        {
            // A sub-model's call: `call` comes from the base class the generator adds, so it does not bind here.
            if (node.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "call" } call
                && model.GetTypeInfo(call.Expression).Type is INamedTypeSymbol callee
                && callee.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == KnownTypes.ModelAttribute))
            {
                var forward = callee.GetMembers().OfType<IMethodSymbol>().FirstOrDefault(m => m.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == KnownTypes.ForwardAttribute));
                if (forward is null || forward.ReturnType.ToDisplayString() != TensorType) return Refuse(node, $"its forward calls '{callee.Name}', whose forward does not return one tensor");
                var target = (ExpressionSyntax)Visit(call.Expression)!;
                var passed = (ArgumentListSyntax)VisitArgumentList(node.ArgumentList)!;
                return SyntaxFactory.InvocationExpression(SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, target, SyntaxFactory.IdentifierName("OnnxForward")), passed).WithTriviaFrom(node);
            }
            if (model.GetSymbolInfo(node).Symbol is not IMethodSymbol method) return Refuse(node, $"its forward calls '{node.Expression}', which does not bind");
            bool tensors = IsTensor(node) || node.ArgumentList.Arguments.Any(a => IsTensor(a.Expression)) || node.Expression is MemberAccessExpressionSyntax { Expression: var receiver } && IsTensor(receiver);
            var arguments = (ArgumentListSyntax)VisitArgumentList(node.ArgumentList)!;
            if (SymbolEqualityComparer.Default.Equals(method.ContainingType, type) && (layers.ContainsKey(method.Name) || Unsupported.ContainsKey(method.Name)))
            {
                if (Unsupported.TryGetValue(method.Name, out string? kind)) return Refuse(node, $"'{method.Name}' is {("AEIOU".IndexOf(kind[0]) >= 0 ? "an" : "a")} {kind} layer, which has no ONNX form yet");
                if (node.ArgumentList.Arguments.Count == 1) return node.WithArgumentList(arguments);
                return Refuse(node, $"its forward calls '{method.Name}' with {node.ArgumentList.Arguments.Count} tensors, which has no ONNX form");
            }
            if (method.ContainingType?.ToDisplayString() == KnownTypes.Ops)
            {
                if (!SupportedOps.Contains(method.Name)) return Refuse(node, $"'Ops.{method.Name}' has no ONNX form yet");
                return SyntaxFactory.InvocationExpression(SyntaxFactory.ParseExpression("global::Sculpt.Export.OnnxOps." + method.Name), arguments).WithTriviaFrom(node);
            }
            if (tensors) return Refuse(node, $"its forward calls '{method.ContainingType?.Name}.{method.Name}', which has no ONNX form");
            if (method.IsStatic && node.Expression is IdentifierNameSyntax)
            {
                // A static method reached through the user's `using static`, which the generated file lacks.
                return SyntaxFactory.InvocationExpression(SyntaxFactory.ParseExpression(method.ContainingType!.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) + "." + method.Name), arguments).WithTriviaFrom(node);
            }
            return base.VisitInvocationExpression(node);
        }
    }
}
