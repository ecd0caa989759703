using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Sculpt.Generators.Layers;
using Sculpt.Generators.Model;
using Sculpt.Generators.Shapes;

namespace Sculpt.Generators.Parsing;

/// <summary>Turns a <c>[Model]</c> class into a <see cref="ModelSpec"/>.</summary>
internal static class ModelParser
{
    public static ModelSpec? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellation)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type || DeclarationRules.ModelProblem(type) is not null
            || !DeclarationRules.IsFirstAttributedDeclaration(context, KnownTypes.ModelAttribute)) return null;

        var config = ConfigOf(context.Attributes[0]);
        var dimNames = DimNames(config);
        var layers = Layers(type).Select(l => l.Spec).ToList();
        layers = layers.Select(l => l.TiedTo is { } tied && TieTarget(layers, tied) is null ? l with { TiedTo = null } : l).ToList();
        if (ModelInit(context.Attributes[0]) is { } modelInit) layers = layers.Select(l => l.Init is null ? l with { Init = modelInit } : l).ToList();
        var rates = new HashSet<string>(config is null ? [] : HyperParametersParser.Properties(config)
            .Where(p => HyperParametersParser.KindOf(p.Type) is ValueKind.Double or ValueKind.Single).Select(p => p.Name));
        layers = layers.Select(l => l with
        {
            Arguments = l.Arguments.Select((a, i) => Usable(a, LayerCatalog.Of(l.Kind).Arguments[i].Role == ArgumentRole.Size, dimNames, rates)).ToEquatableArray(),
            Init = l.Init is { ScaleByDepth: { } depth } init && !dimNames.Contains(depth) ? init with { ScaleByDepth = null } : l.Init,
            // A setting naming no integer hyperparameter is reported (SCULPT0005); its default keeps the code compiling.
            Options = l.Options.Where(o => o.HyperParameter is null || dimNames.Contains(o.HyperParameter)).ToEquatableArray(),
        }).ToList();
        var (forwardMethod, signatureText) = Forward(type);

        ForwardSpec? forward = null;
        var rows = new List<SummaryRowSpec>();
        var checks = new List<ShapeCheckSpec>();
        if (forwardMethod is not null && signatureText is not null && DeclarationRules.ForwardProblem(forwardMethod) is null)
        {
            var (signature, error) = SignatureParser.Parse(signatureText, dimNames);
            var parameters = forwardMethod.Parameters
                .Select((p, i) => new ForwardParameter(p.Name, signature is not null && i < signature.Inputs.Count ? signature.Inputs[i] : null))
                .ToEquatableArray();
            // Several results need a method returning that many tensors (SCULPT0004 otherwise, and one result is built).
            int returned = DeclarationRules.ReturnedTensors(forwardMethod);
            bool valid = error is null && signature!.Inputs.Count == forwardMethod.Parameters.Length && (signature.Outputs.Count == 1 || signature.Outputs.Count == returned);
            forward = new ForwardSpec(forwardMethod.Name, signatureText, parameters, signature?.Output, valid) { Results = returned > 1 ? returned : 1 };
            var (walked, found, result) = ForwardWalker.Rows(forwardMethod, context.SemanticModel, type, layers, dimNames, parameters, valid ? signature!.Outputs.Items : null, cancellation);
            var (onnx, onnxProblem, _) = valid ? OnnxTwin.Rewrite(forwardMethod, context.SemanticModel, type, layers, forward.Results) : (null, "its forward signature does not parse", null);
            forward = forward with { Result = result, OnnxBody = onnx, OnnxProblem = onnxProblem };
            rows.AddRange(walked);
            checks.AddRange(found);
        }

        var fields = new FieldNames(type);
        layers = layers.Select(l => l with { Field = fields.For(l.Name), StateName = StateNameOf(type.GetMembers(l.Name).FirstOrDefault()) ?? l.Name }).ToList();
        var submodels = Submodels(type, config).Select(s => s.Spec with { Field = fields.For(s.Spec.Name), StateName = StateNameOf(s.Property) ?? s.Spec.Name, Repeat = s.Spec.Repeat is { } repeat ? Usable(repeat, size: true, dimNames, rates) : null }).ToEquatableArray();

        return new ModelSpec(
            TypeTargetParser.Parse(type),
            config?.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            layers.ToEquatableArray(),
            forward,
            rows.ToEquatableArray())
        {
            Submodels = submodels,
            Checks = checks.ToEquatableArray(),
            Learned = Learned(type, dimNames).Select(l => l.Spec with { Field = fields.For(l.Spec.Name), StateName = StateNameOf(l.Property) ?? l.Spec.Name }).ToEquatableArray(),
            Renames = Renames(type).Where(r => DeclarationRules.RenameProblem(r.Pattern) is null).ToEquatableArray(),
        };
    }

    /// <summary>A member's usable <c>[StateName]</c>, or null (none, or one the analyzer reports: SCULPT0021).</summary>
    public static string? StateNameOf(ISymbol? member) =>
        member?.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == KnownTypes.StateNameAttribute) is { ConstructorArguments: [{ Value: string name }] }
        && DeclarationRules.StateNameProblem(name) is null ? name : null;

    /// <summary>The model's <c>[RenameWeights]</c> rules as written, in declaration order.</summary>
    public static IEnumerable<WeightRename> Renames(INamedTypeSymbol type) =>
        type.GetAttributes()
            .Where(a => a.AttributeClass?.ToDisplayString() == KnownTypes.RenameWeightsAttribute)
            .Select(a => a.ConstructorArguments is [{ Value: string pattern }, { Value: string replacement }] ? new WeightRename(pattern, replacement) : null)
            .Where(r => r is not null)!;

    /// <summary>
    /// The <c>[Parameter]</c> properties Sculpt implements whose shape is known when the model is built (integers,
    /// hyperparameters, arithmetic of those); the analyzer reports the rest (SCULPT0003, SCULPT0005, SCULPT0009).
    /// </summary>
    public static IEnumerable<(LearnedSpec Spec, IPropertySymbol Property)> Learned(INamedTypeSymbol type, HyperParameterSizes dimNames)
    {
        foreach (var property in type.GetMembers().OfType<IPropertySymbol>())
        {
            var attribute = property.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == KnownTypes.ParameterAttribute);
            if (attribute is null || DeclarationRules.LearnedProblem(property) is not null) continue;
            if (property.PartialDefinitionPart is not null || !ImplementedBySculpt(property.PartialImplementationPart)) continue;
            if (attribute.ConstructorArguments is not [{ Value: string text }] || LearnedShape(text, dimNames) is not { } shape) continue;
            double Named(string name) => attribute.NamedArguments.FirstOrDefault(a => a.Key == name).Value.Value is double value ? value : 0;
            yield return (new LearnedSpec(property.Name, ImplementationModifiers(property), shape, Named("Std"), Named("Fill")), property);
        }
    }

    /// <summary>A learned tensor's shape, or null when it does not parse or a size is not known when the model is built (a symbol such as B).</summary>
    public static Shape? LearnedShape(string text, HyperParameterSizes dimNames)
    {
        var (shape, error) = SignatureParser.ParseShape(text, 0, text.Length, dimNames);
        return error is null && shape!.Dims.All(ShapeComparison.ConfigDecided) ? shape : null;
    }

    /// <summary>
    /// <paramref name="argument"/> as the generator writes it: a name of no fitting hyperparameter
    /// (an integer size, or a number for a rate) or a literal no layer can take is reported by the
    /// analyzer (SCULPT0005, SCULPT0006), and the generator writes the placeholder 1 in its place, so that
    /// diagnostic is the only error the user sees. A computed size, or a size expression, is marked: no flag sets it.
    /// </summary>
    private static LayerArgument Usable(LayerArgument argument, bool size, HyperParameterSizes sizes, ISet<string> rates)
    {
        if (argument.IsHyperParameter && SizeExpression.IsExpression(argument.HyperParameter!))
        {
            return size && sizes.Expression(argument.HyperParameter!) is { } dim
                ? argument with { HyperParameter = SizeExpression.Normalize(argument.HyperParameter!), Size = dim, Computed = true }
                : new LayerArgument(null, 1);
        }
        bool usable = argument.IsHyperParameter
            ? sizes.Contains(argument.HyperParameter!) || !size && rates.Contains(argument.HyperParameter!)
            : !double.IsNaN(argument.Literal) && !double.IsInfinity(argument.Literal)
              && (!size || argument.Literal >= 1 && argument.Literal <= int.MaxValue && argument.Literal == System.Math.Floor(argument.Literal));
        if (!usable) return new LayerArgument(null, 1);
        return argument.IsHyperParameter && sizes.IsComputed(argument.HyperParameter!) ? argument with { Computed = true } : argument;
    }

    /// <summary>Private field names for generated modules, clear of the type's own members and of each other.</summary>
    private sealed class FieldNames(INamedTypeSymbol type)
    {
        private readonly HashSet<string> _taken = new(type.MemberNames);

        public string For(string member)
        {
            string name = "_" + char.ToLowerInvariant(member[0]) + member.Substring(1);
            string candidate = name;
            for (int i = 2; !_taken.Add(candidate); i++) candidate = name + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return candidate;
        }
    }

    /// <summary>The hyperparameter record named by <c>[Model(typeof(...))]</c>, if any.</summary>
    public static INamedTypeSymbol? ConfigOf(AttributeData model) =>
        model.ConstructorArguments is [{ Kind: TypedConstantKind.Type, Value: INamedTypeSymbol c }] ? c : null;

    /// <summary>The integer hyperparameters, which may stand for dims in signatures and layer sizes; with their literal defaults for the analyzer.</summary>
    public static HyperParameterSizes DimNames(INamedTypeSymbol? config, bool withDefaults = false) => HyperParameterSizes.Of(config, withDefaults);

    /// <summary>The first method marked <c>[Forward]</c> and its signature text.</summary>
    public static (IMethodSymbol? Method, string? Signature) Forward(INamedTypeSymbol type)
    {
        foreach (var method in type.GetMembers().OfType<IMethodSymbol>())
        {
            foreach (var attribute in method.GetAttributes())
            {
                if (attribute.AttributeClass?.ToDisplayString() == KnownTypes.ForwardAttribute && attribute.ConstructorArguments is [{ Value: string text }])
                {
                    return (method, text);
                }
            }
        }
        return (null, null);
    }

    /// <summary>
    /// Every layer partial method Sculpt implements, with its attribute: the same list for the generator
    /// and the analyzer (see <see cref="ImplementedBySculpt"/>).
    /// </summary>
    public static IEnumerable<(LayerSpec Spec, IMethodSymbol Method, AttributeData Attribute)> Layers(INamedTypeSymbol type)
    {
        foreach (var method in type.GetMembers().OfType<IMethodSymbol>())
        {
            if (!method.IsPartialDefinition || !ImplementedBySculpt(method.PartialImplementationPart)) continue;
            // One layer per method: a second layer attribute is reported (SCULPT0009) and ignored.
            foreach (var attribute in method.GetAttributes())
            {
                if (LayerFrom(method, attribute, attribute.AttributeClass?.ToDisplayString()) is { } layer)
                {
                    yield return (layer, method, attribute);
                    break;
                }
            }
        }
    }

    /// <summary>
    /// Whether Sculpt writes this member's body: the implementation is missing (as the generator sees the
    /// user's code) or is Sculpt's own generated code (as the analyzer sees it, after generation). One
    /// rule for both, so the generator and the analyzer read the same layers; a body the user wrote is theirs.
    /// </summary>
    private static bool ImplementedBySculpt(ISymbol? implementation) =>
        implementation is null || implementation.DeclaringSyntaxReferences.All(r => r.SyntaxTree.FilePath.Contains(GeneratedPathMarker));

    /// <summary>Part of every path the compiler gives a tree this generator adds: the generator's full type name.</summary>
    private const string GeneratedPathMarker = "Sculpt.Generators.SculptGenerator";

    /// <summary>
    /// The <c>[Submodel]</c> properties: partial, get-only, of a <c>[Model]</c> type that takes the
    /// same hyperparameters or none. The analyzer reports the rest (SCULPT0009).
    /// </summary>
    public static IEnumerable<(SubmodelSpec Spec, IPropertySymbol Property)> Submodels(INamedTypeSymbol type, INamedTypeSymbol? config)
    {
        foreach (var property in type.GetMembers().OfType<IPropertySymbol>())
        {
            if (!property.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == KnownTypes.SubmodelAttribute)) continue;
            if (SubmodelProblem(property, config) is not null) continue;
            if (property.PartialDefinitionPart is not null || !ImplementedBySculpt(property.PartialImplementationPart)) continue;
            var submodel = BlockType(property)!;
            var own = ConfigOf(submodel.GetAttributes().First(a => a.AttributeClass?.ToDisplayString() == KnownTypes.ModelAttribute));
            var sizes = own is null ? null : SizesMethod(property, own, config);
            yield return (new SubmodelSpec(
                property.Name,
                ImplementationModifiers(property),
                submodel.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
                submodel.Name,
                own is not null,
                RepeatOf(property))
            {
                OutputSymbols = OutputSymbols(submodel),
                InputSymbols = OutputSymbols(submodel, input: true),
                Sizes = sizes is null ? null : Names.Identifier(sizes.Name),
                SizesTakeConfig = config is not null,
                Indexed = sizes is not null && sizes.Parameters.Length == (config is null ? 1 : 2),
            }, property);
        }
    }

    /// <summary>The symbols of a model's declared forward output, by position from the end.</summary>
    private static EquatableArray<OutputSymbol> OutputSymbols(INamedTypeSymbol model, bool input = false)
    {
        var attribute = model.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == KnownTypes.ModelAttribute);
        if (attribute is null || Forward(model).Signature is not { } text) return EquatableArray<OutputSymbol>.Empty;
        var (signature, _) = SignatureParser.Parse(text, DimNames(ConfigOf(attribute)));
        if (signature is null || input && signature.Inputs.Count == 0) return EquatableArray<OutputSymbol>.Empty;
        var dims = input ? signature.Inputs[0].Dims : signature.Output.Dims;
        int variadic = -1;
        for (int i = 0; i < dims.Count; i++)
        {
            if (dims[i].Kind == DimKind.Variadic) variadic = i;
        }
        return dims.Select((dim, i) => (dim, i))
            .Where(p => p.dim.Kind == DimKind.Symbol && p.i > variadic)
            .Select(p => new OutputSymbol(p.dim.Name, dims.Count - p.i))
            .ToEquatableArray();
    }

    /// <summary>The <c>Repeat</c> of a <c>[Submodel]</c>: a literal count or a hyperparameter name.</summary>
    public static LayerArgument? RepeatOf(IPropertySymbol property)
    {
        var attribute = property.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == KnownTypes.SubmodelAttribute);
        var value = attribute?.NamedArguments.FirstOrDefault(a => a.Key == "Repeat").Value;
        return value?.Value switch
        {
            string name when name.Length > 0 => new LayerArgument(name, 0),
            int count => new LayerArgument(null, count),
            _ => null,
        };
    }

    /// <summary>The model type of a <c>[Submodel]</c>: the property's type, or T of a repeated <c>ModuleList&lt;T&gt;</c>.</summary>
    public static INamedTypeSymbol? BlockType(IPropertySymbol property)
    {
        if (RepeatOf(property) is null) return property.Type as INamedTypeSymbol;
        return property.Type is INamedTypeSymbol { Name: "ModuleList", TypeArguments: [INamedTypeSymbol element] } list
               && list.ContainingNamespace.ToDisplayString() == "TorchSharp.Modules"
            ? element
            : null;
    }

    /// <summary>Why a <c>[Submodel]</c> property cannot be generated, or null.</summary>
    public static string? SubmodelProblem(IPropertySymbol property, INamedTypeSymbol? config)
    {
        if (!property.IsPartialDefinition && property.PartialDefinitionPart is null || property.IsStatic || property.SetMethod is not null)
            return $"[Submodel] '{property.Name}' must be a partial get-only instance property, e.g. private partial {property.Type.Name} {property.Name} {{ get; }}";
        var repeat = RepeatOf(property);
        var block = BlockType(property);
        var model = block?.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == KnownTypes.ModelAttribute);
        if (block is null || model is null)
            return repeat is null
                ? $"[Submodel] '{property.Name}' has type {property.Type.ToDisplayString()}, which is not a [Model]"
                : $"[Submodel(Repeat = ...)] '{property.Name}' must have type ModuleList<T> of a [Model] T; it has {property.Type.ToDisplayString()}";
        var own = ConfigOf(model);
        if (SizesName(property) is { } sizes)
        {
            if (own is null) return $"[Submodel(nameof({sizes}))] '{property.Name}': {block.Name} has no hyperparameters to make; drop the method name";
            return SizesMethod(property, own, config) is null
                ? $"[Submodel(nameof({sizes}))] '{property.Name}' needs a static method of this model that makes its {own.Name}: {SizesExample(sizes, own, config, repeat is not null)}"
                : null;
        }
        if (own is not null && !SymbolEqualityComparer.Default.Equals(own, config))
            return $"[Submodel] '{property.Name}' is built from {own.Name}, but this model's hyperparameters are {config?.Name ?? "none"}: "
                + $"make its {own.Name} with a static method of this model, [Submodel(nameof({property.Name}Sizes))] and {SizesExample(property.Name + "Sizes", own, config, repeat is not null)}";
        return null;
    }

    /// <summary>The method name a <c>[Submodel(nameof(...))]</c> gives, if any.</summary>
    public static string? SizesName(IPropertySymbol property) =>
        property.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == KnownTypes.SubmodelAttribute)?.ConstructorArguments is [{ Value: string name }] ? name : null;

    /// <summary>
    /// The parent's static method that makes a block's own hyperparameters: returning <paramref name="own"/>, taking the
    /// parent's config (when it has one), then the block's index (when repeated) or not; null when there is none so written.
    /// </summary>
    public static IMethodSymbol? SizesMethod(IPropertySymbol property, INamedTypeSymbol own, INamedTypeSymbol? config)
    {
        if (SizesName(property) is not { } name) return null;
        foreach (var method in property.ContainingType.GetMembers(name).OfType<IMethodSymbol>())
        {
            if (!method.IsStatic || method.IsGenericMethod || !SymbolEqualityComparer.Default.Equals(method.ReturnType, own)) continue;
            var parameters = method.Parameters.Select(p => p.Type).ToList();
            int at = 0;
            if (config is not null)
            {
                if (parameters.Count == 0 || !SymbolEqualityComparer.Default.Equals(parameters[0], config)) continue;
                at = 1;
            }
            if (parameters.Count == at) return method;
            if (parameters.Count == at + 1 && parameters[at].SpecialType == SpecialType.System_Int32 && RepeatOf(property) is not null) return method;
        }
        return null;
    }

    /// <summary><c>private static BlockSizes StageSizes(NetConfig c, int i) => new() { ... };</c> as a message shows it.</summary>
    private static string SizesExample(string name, INamedTypeSymbol own, INamedTypeSymbol? config, bool repeated)
    {
        string parameters = string.Join(", ", new[] { config is null ? null : config.Name + " c", repeated ? "int i" : null }.Where(p => p is not null));
        return $"private static {own.Name} {name}({parameters}) => new() {{ ... }};";
    }

    /// <summary>The layer kind an attribute declares and its number of constructor arguments.</summary>
    public static (string Kind, int Arity)? LayerKindOf(string? attributeName) =>
        LayerCatalog.ByAttribute(attributeName) is { } definition ? (definition.Kind, definition.Arguments.Count) : null;

    private static LayerSpec? LayerFrom(IMethodSymbol method, AttributeData attribute, string? attributeName)
    {
        if (LayerCatalog.ByAttribute(attributeName) is not { } definition) return null;
        int given = attribute.ConstructorArguments.Length;
        if (DeclarationRules.LayerMethodProblem(method, definition) is not null || given > definition.Arguments.Count
            || definition.Arguments.Skip(given).Any(a => !a.Optional)) return null;

        var arguments = new List<LayerArgument>();
        for (int i = 0; i < attribute.ConstructorArguments.Length; i++)
        {
            var argument = attribute.ConstructorArguments[i];
            var value = argument.Kind == TypedConstantKind.Primitive ? argument.Value : null;
            if (value is string name && name.Length > 0) arguments.Add(new LayerArgument(name, 0));
            else if (HyperParametersParser.AsDouble(value) is { } number) arguments.Add(new LayerArgument(null, number));
            else if (PerDim(argument, definition, definition.Arguments[i] == Generators.Layers.Sizes.Kernel ? "KernelSize" : "") is { } sizes) arguments.Add(new LayerArgument(null, sizes[0]) { PerDim = sizes });
            // Sizes per dim the layer cannot take are reported (SCULPT0006); 1 in their place keeps the code compiling.
            else if (argument.Kind == TypedConstantKind.Array) arguments.Add(new LayerArgument(null, 1));
            else return null;
        }
        // Arguments left out take the layer's defaults, as written literals.
        foreach (var left in definition.Arguments.Skip(given))
        {
            arguments.Add(left.DefaultFrom is { } from ? arguments[from] : new LayerArgument(null, left.Default!.Value));
        }
        bool bias = !attribute.NamedArguments.Any(a => a.Key == "Bias" && a.Value.Value is false);
        var options = attribute.NamedArguments
            .Where(a => a.Key != "Bias" && a.Value.Kind != TypedConstantKind.Array && a.Value.Value is int or long or bool or double or float)
            // A whole-number setting given a fraction or NaN (an object-typed Stride = float.NaN) is reported (SCULPT0006) and keeps its default.
            .Where(a => definition.Options.FirstOrDefault(o => o.Name == a.Key) is not { Integer: true } || a.Value.Value is int or long or bool
                || a.Value.Value is double or float && System.Convert.ToDouble(a.Value.Value, System.Globalization.CultureInfo.InvariantCulture) is var d && d == System.Math.Floor(d) && !double.IsInfinity(d))
            .Select(a => new LayerOption(a.Key, a.Value.Value is bool flag ? (flag ? 1 : 0) : System.Convert.ToDouble(a.Value.Value, System.Globalization.CultureInfo.InvariantCulture)))
            // A convolution's stride, dilation or groups below 1 is reported (SCULPT0006); 1 in its place keeps
            // the generated code compiling (a literal 0 stride also fits TorchSharp's Padding-enum overload) and
            // its parameter count defined.
            .Select(definition.Usable)
            .Concat(attribute.NamedArguments
                .Select(a => (a.Key, Sizes: PerDim(a.Value, definition, a.Key)))
                .Where(a => a.Sizes is not null)
                .Select(a => new LayerOption(a.Key, a.Sizes!.Value[0]) { PerDim = a.Sizes.Value }))
            .Concat(attribute.NamedArguments
                .Where(a => a.Value.Kind != TypedConstantKind.Array && a.Value.Value is string && definition.SymbolicOptions.Contains(a.Key))
                .Select(a => new LayerOption(a.Key, definition.Options.First(o => o.Name == a.Key).Default) { HyperParameter = (string)a.Value.Value! }))
            .ToEquatableArray();

        string? tiedTo = definition is Generators.Layers.Linear
            ? attribute.NamedArguments.FirstOrDefault(a => a.Key == "TiedTo").Value.Value as string
            : null;
        var init = method.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == KnownTypes.InitAttribute);
        return new LayerSpec(
            method.Name,
            definition.Kind,
            ImplementationModifiers(method),
            method.ReturnType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            method.Parameters.Select(p => new LayerParameter(p.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat), p.Name)).ToEquatableArray(),
            arguments.ToEquatableArray(),
            bias,
            DeclarationRules.ReturnsStates(method, definition))
        {
            Options = options,
            TiedTo = tiedTo,
            Init = init is null ? null : InitOf(init, init.ConstructorArguments.FirstOrDefault(), "Std"),
        };
    }

    /// <summary>The default scheme of a <c>[Model(Init = ...)]</c>, or null when it keeps PyTorch's defaults.</summary>
    /// <summary>
    /// An argument or setting given per spatial dim (<c>new[] { 1, 7 }</c>) where the layer takes one: as many integers as it
    /// has spatial dims, each at least 1 (0 allowed for padding); null otherwise (the analyzer reports it).
    /// </summary>
    public static EquatableArray<long>? PerDim(TypedConstant value, LayerDefinition definition, string name)
    {
        if (value.Kind != TypedConstantKind.Array || value.IsNull || definition.PerDimCount == 0 || !definition.PerDimNames.Contains(name)) return null;
        var sizes = value.Values.Select(v => v.Value is int or long ? System.Convert.ToInt64(v.Value, System.Globalization.CultureInfo.InvariantCulture) : (long?)null).ToList();
        long least = name == "Padding" ? 0 : 1;
        return sizes.Count == definition.PerDimCount && sizes.All(v => v >= least) ? sizes.Select(v => v!.Value).ToEquatableArray() : null;
    }

    public static LayerInit? ModelInit(AttributeData model) =>
        InitOf(model, model.NamedArguments.FirstOrDefault(a => a.Key == "Init").Value, "InitStd");

    private static LayerInit? InitOf(AttributeData attribute, TypedConstant scheme, string stdName)
    {
        if (scheme.Kind != TypedConstantKind.Enum || scheme.Value is not int value || value == 0 || scheme.Type is not INamedTypeSymbol type) return null;
        string? name = type.GetMembers().OfType<IFieldSymbol>().FirstOrDefault(f => f.HasConstantValue && f.ConstantValue is int v && v == value)?.Name;
        if (name is null) return null;
        double std = attribute.NamedArguments.FirstOrDefault(a => a.Key == stdName).Value.Value is double d ? d : 0.02;
        string? depth = attribute.NamedArguments.FirstOrDefault(a => a.Key == "ScaleByDepth").Value.Value as string;
        return new LayerInit(name, std, string.IsNullOrEmpty(depth) ? null : depth);
    }

    /// <summary>The layer a tied Linear may share its weight with: an Embedding or another Linear of the model.</summary>
    public static LayerSpec? TieTarget(IEnumerable<LayerSpec> layers, string name) =>
        layers.FirstOrDefault(l => l.Name == name && LayerCatalog.Of(l.Kind) is Generators.Layers.Embedding or Generators.Layers.Linear && l.TiedTo is null);

    /// <summary>The weight shape of an Embedding or Linear, <c>[rows, columns]</c>.</summary>
    public static (LayerArgument Rows, LayerArgument Columns) WeightShape(LayerSpec layer) =>
        LayerCatalog.Of(layer.Kind) is Generators.Layers.Linear ? (layer.Arguments[1], layer.Arguments[0]) : (layer.Arguments[0], layer.Arguments[1]);

    /// <summary>
    /// The modifiers a partial member's implementation must repeat as written: its accessibility
    /// keywords (none when the declaration has none, CS8799) and any of <c>new</c>, <c>virtual</c>,
    /// <c>override</c>, <c>sealed</c> (CS8800).
    /// </summary>
    private static string ImplementationModifiers(ISymbol member)
    {
        if (member.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() is not Microsoft.CodeAnalysis.CSharp.Syntax.MemberDeclarationSyntax declaration)
            return AccessibilityText(member.DeclaredAccessibility);
        return string.Join(" ", declaration.Modifiers
            .Select(m => m.Text)
            .Where(m => m is "public" or "private" or "protected" or "internal" or "new" or "virtual" or "override" or "sealed"));
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
