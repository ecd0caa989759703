using System.Linq;
using Microsoft.CodeAnalysis;
using Sculpt.Generators.Layers;
using Sculpt.Generators.Model;
using Sculpt.Generators.Shapes;

namespace Sculpt.Generators.Parsing;

/// <summary>
/// What a declaration needs before Sculpt can generate code for it. The parsers skip a
/// declaration that breaks a rule; the analyzer reports the same rule as SCULPT0009.
/// </summary>
internal static class DeclarationRules
{
    /// <summary>Why code cannot be generated for a <c>[HyperParameters]</c> type, or null.</summary>
    public static string? HyperParametersProblem(INamedTypeSymbol type)
    {
        if (!type.IsRecord || type.TypeKind != TypeKind.Class) return $"[HyperParameters] goes on a record class; '{type.Name}' is not one";
        if (type.IsGenericType) return $"[HyperParameters] record '{type.Name}' cannot be generic";
        if (!TypeTargetParser.IsPartialAllTheWay(type)) return $"'{type.Name}' and the types around it must be partial";
        if (type.IsAbstract) return $"[HyperParameters] record '{type.Name}' cannot be abstract: flags and JSON start from its defaults";
        bool parameterless = type.InstanceConstructors.Any(c => c.Parameters.Length == 0 && c.DeclaredAccessibility is Accessibility.Public or Accessibility.Internal);
        if (!parameterless) return $"'{type.Name}' needs a parameterless constructor: flags and JSON start from its defaults (declare properties, not positional parameters)";
        if (HyperParametersParser.Properties(type).Any(p => p.IsRequired)) return $"'{type.Name}' cannot have required members: flags and JSON start from its defaults";
        return null;
    }

    /// <summary>Why code cannot be generated for a <c>[Model]</c> type, or null.</summary>
    public static string? ModelProblem(INamedTypeSymbol type)
    {
        if (type.TypeKind != TypeKind.Class) return $"[Model] goes on a class; '{type.Name}' is not one";
        if (type.IsGenericType) return $"[Model] class '{type.Name}' cannot be generic";
        if (type.IsStatic || type.IsAbstract) return $"[Model] class '{type.Name}' cannot be {(type.IsStatic ? "static" : "abstract")}: Sculpt generates its constructor and Create";
        var model = type.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == KnownTypes.ModelAttribute);
        if (model is not null && ModelParser.ConfigOf(model) is { TypeKind: not TypeKind.Error } hyperParameters
            && !hyperParameters.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == KnownTypes.HyperParametersAttribute))
            return $"[Model(typeof({hyperParameters.Name}))] names the model's hyperparameters, but '{hyperParameters.Name}' is not a [HyperParameters] record";
        if (model is not null && ModelParser.ConfigOf(model) is { } config && IsPublicAllTheWay(type) && !IsPublicAllTheWay(config))
            return $"[Model] class '{type.Name}' is public but its hyperparameters '{config.Name}' are not: its generated constructor and Config property take them; make '{config.Name}' public or '{type.Name}' internal";
        if (!TypeTargetParser.IsPartialAllTheWay(type)) return $"'{type.Name}' and the types around it must be partial";
        if (GeneratedModelMembers.Contains(type.Name))
            return $"a model cannot be named '{type.Name}': Sculpt generates a member of that name in it, and a member cannot share its class's name";
        return null;
    }

    /// <summary>The members every generated model has (a class cannot have a member of its own name, CS0542).</summary>
    private static readonly System.Collections.Generic.HashSet<string> GeneratedModelMembers =
        ["forward", "Config", "CountParameters", "Create", "InputMismatch", "LoadWeights", "ParameterCount", "ShapeErrors", "Summarize", "Summary", "TieWeights"];

    private static bool IsPublicAllTheWay(INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.ContainingType)
        {
            if (current.DeclaredAccessibility != Accessibility.Public) return false;
        }
        return true;
    }

    /// <summary>Why a <c>[Forward]</c> method cannot be wrapped, or null.</summary>
    public static string? ForwardProblem(IMethodSymbol method) =>
        method.Name == "forward"
            ? "the forward method cannot be named 'forward': Sculpt generates TorchSharp's forward(...) override, which checks the input shapes and then calls it"
            : method.IsStatic || method.IsGenericMethod
                ? $"the forward method '{method.Name}' must be a non-generic instance method"
                : null;

    /// <summary>How many tensors a method returns: 1 for a Tensor, N for a tuple of N Tensors, -1 for anything else.</summary>
    public static int ReturnedTensors(IMethodSymbol method) =>
        method.ReturnType is INamedTypeSymbol { IsTupleType: true } tuple && tuple.TupleElements.All(e => IsTensor(e.Type))
            ? tuple.TupleElements.Length
            : IsTensor(method.ReturnType) ? 1 : -1;

    /// <summary>
    /// Why a layer method cannot be generated, or null: a partial instance method without a body,
    /// taking the layer's tensors and returning a Tensor (a recurrent layer may return its states too).
    /// </summary>
    public static string? LayerMethodProblem(IMethodSymbol method, LayerDefinition definition)
    {
        string shape = definition.IsRecurrent
            ? $"e.g. private partial Tensor {method.Name}(Tensor x); or, with the final states, private partial ({StateTuple(definition)}) {method.Name}(Tensor x);"
            : "e.g. " + definition.Example(method.Name);
        bool tensors = method.Parameters.All(p => IsTensor(p.Type));
        if (method.Parameters.Length < definition.Inputs || method.Parameters.Length > definition.Inputs + definition.OptionalInputs.Count
            || !tensors || method.IsStatic || method.IsGenericMethod
            || !method.IsPartialDefinition && method.PartialDefinitionPart is null)
        {
            string takes = (definition.Inputs == 1 ? "one Tensor" : $"{definition.Inputs} Tensors")
                + (definition.OptionalInputs.Count > 0 ? $" (then, if you pass them, {string.Join(" and ", definition.OptionalInputs)})" : "");
            return $"layer method '{method.Name}' must be a partial instance method without a body that takes {takes}, {shape}";
        }
        return LayerReturnProblem(method, definition);
    }

    /// <summary>Why a layer method's return type cannot be generated, or null; the analyzer puts this one on the return type.</summary>
    public static string? LayerReturnProblem(IMethodSymbol method, LayerDefinition definition)
    {
        if (IsTensor(method.ReturnType) || ReturnsStates(method, definition)) return null;
        string returns = definition.IsRecurrent ? $"a Tensor or ({StateTuple(definition)})" : "a Tensor";
        return $"layer method '{method.Name}' must return {returns}";
    }

    /// <summary>Whether a recurrent layer method returns a tuple of its output and its final states.</summary>
    public static bool ReturnsStates(IMethodSymbol method, LayerDefinition definition) =>
        definition.IsRecurrent
        && method.ReturnType is INamedTypeSymbol { IsTupleType: true } tuple
        && tuple.TupleElements.Length == 1 + definition.States
        && tuple.TupleElements.All(e => IsTensor(e.Type));

    private static string StateTuple(LayerDefinition definition) =>
        definition.States == 2 ? "Tensor Output, Tensor Hidden, Tensor Cell" : "Tensor Output, Tensor Hidden";

    private static bool IsTensor(ITypeSymbol type) => type.ToDisplayString() == "TorchSharp.torch.Tensor";

    /// <summary>
    /// Whether this is the declaration to generate from. An attribute repeated on several partial
    /// declarations of one type (a compile error of its own) reaches the generator once per
    /// declaration; only the first is used, so each type gets one file. A type with two Sculpt
    /// roles gets none (<see cref="RolesProblem"/>).
    /// </summary>
    public static bool IsFirstAttributedDeclaration(GeneratorAttributeSyntaxContext context, string attribute) =>
        (context.TargetSymbol is not INamedTypeSymbol type || RolesProblem(type) is null)
        && (context.TargetSymbol.GetAttributes()
                .FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == attribute)?.ApplicationSyntaxReference is not { } first
            || first.SyntaxTree == context.TargetNode.SyntaxTree && context.TargetNode.Span.Contains(first.Span));

    /// <summary>The attributes that each give a type its Sculpt role.</summary>
    private static readonly string[] Roles = new[] { KnownTypes.HyperParametersAttribute, KnownTypes.ModelAttribute, KnownTypes.TrainerAttribute }
        .Concat(DatasetParser.Attributes).ToArray();

    /// <summary>Why Sculpt cannot implement a <c>[Parameter]</c> property, or null.</summary>
    public static string? LearnedProblem(IPropertySymbol property)
    {
        if (!property.IsPartialDefinition && property.PartialDefinitionPart is null || property.IsStatic || property.SetMethod is not null)
            return $"[Parameter] '{property.Name}' must be a partial get-only instance property: private partial Tensor {property.Name} {{ get; }}";
        if (property.Type.ToDisplayString() != "TorchSharp.torch.Tensor")
            return $"[Parameter] '{property.Name}' must be a Tensor; it is {property.Type.ToDisplayString()}";
        return null;
    }

    /// <summary>
    /// Why a <c>[StateName]</c> cannot name a state-dict entry, or null: dot-separated parts of letters, digits and
    /// underscores, as PyTorch's module names are (<c>features.0.0</c>, <c>heads.head</c>).
    /// </summary>
    public static string? StateNameProblem(string name)
    {
        if (name.Length == 0) return "a state name cannot be empty";
        foreach (var part in name.Split('.'))
        {
            if (part.Length == 0) return $"'{name}' has an empty part between dots";
            if (part.FirstOrDefault(c => !(c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '_')) is var bad && bad != default)
                return $"'{name}' holds '{bad}'; a state name is parts of letters, digits and underscores joined by dots";
        }
        return null;
    }

    /// <summary>Why a <c>[RenameWeights]</c> pattern is no usable regular expression, or null.</summary>
    public static string? RenameProblem(string pattern)
    {
        try
        {
            _ = new System.Text.RegularExpressions.Regex(pattern, System.Text.RegularExpressions.RegexOptions.None, System.TimeSpan.FromSeconds(1));
            return pattern.Length == 0 ? "an empty pattern renames nothing" : null;
        }
        catch (System.ArgumentException problem)
        {
            return $"'{pattern}' is no regular expression: {problem.Message}";
        }
    }

    /// <summary>Why a type marked with two Sculpt roles ([HyperParameters] and [CsvDataset], say) cannot be generated, or null.</summary>
    public static string? RolesProblem(INamedTypeSymbol type)
    {
        var roles = type.GetAttributes().Select(a => a.AttributeClass?.ToDisplayString()).Where(n => n is not null && Roles.Contains(n)).Distinct().ToList();
        if (roles.Count < 2) return null;
        string names = string.Join(" and ", roles.Select(r => "[" + r!.Substring(r.LastIndexOf('.') + 1).Replace("Attribute", "") + "]"));
        return $"'{type.Name}' is marked {names}: a type plays one Sculpt role, so declare one type for each";
    }

    /// <summary>Why code cannot be generated for a <c>[Trainer]</c> type, or null.</summary>
    private static bool DerivesFrom(INamedTypeSymbol type, string baseName)
    {
        for (var current = type.BaseType; current is not null; current = current.BaseType)
        {
            if (current.ToDisplayString() == baseName) return true;
        }
        return false;
    }

    /// <summary>
    /// Why a trainer's reward does not fit, or null: <c>Reward = typeof(...)</c> goes on a <c>Loss.Rloo</c> trainer only and
    /// names a reward model of the trainer's hyperparameters, <c>[B, T] -> [B, T, 1]</c>; a <c>Loss.Rloo</c> trainer without
    /// one overrides <c>Reward</c>, and not both.
    /// </summary>
    private static string? RewardProblem(INamedTypeSymbol type, AttributeData? trainer, LossKind? loss, INamedTypeSymbol? trainerBase)
    {
        if (trainer is null || loss is null) return null;
        var reward = TrainerParser.RewardOf(trainer);
        bool overridden = type.GetMembers("Reward").Any(m => m is IMethodSymbol { IsOverride: true });
        if (loss != LossKind.Rloo)
        {
            return reward is null ? null : $"Reward = typeof({reward.Name}) goes on a Loss.Rloo trainer, which samples completions and rewards them; '{type.Name}' is a Loss.{loss} trainer";
        }
        if (reward is null)
        {
            return overridden ? null
                : $"a Loss.Rloo trainer needs a reward: name a reward model with [Trainer(Loss.Rloo, ..., Reward = typeof(...))], or override 'protected override Tensor Reward(Tensor sequences)' in '{type.Name}'";
        }
        if (overridden) return $"'{type.Name}' both names a reward model (Reward = typeof({reward.Name})) and overrides Reward; keep one";
        if (reward.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == KnownTypes.ModelAttribute) is not { } rewardAttribute)
        {
            return $"Reward = typeof({reward.Name}) names a reward model, a [Model] [B, T] -> [B, T, 1]; '{reward.Name}' is no [Model]";
        }
        if (trainerBase?.TypeArguments[2] is INamedTypeSymbol config && ModelParser.ConfigOf(rewardAttribute) is var rewardConfig
            && !SymbolEqualityComparer.Default.Equals(config, rewardConfig))
        {
            string built = rewardConfig is null ? "without hyperparameters" : "from " + rewardConfig.Name;
            return $"the reward model '{reward.Name}' is built {built}, but the trainer's hyperparameters are {config.Name}; declare it [Model(typeof({config.Name}))]";
        }
        if (ModelParser.Forward(reward) is ({ } forward, { } text)
            && SignatureParser.Parse(text, ModelParser.DimNames(ModelParser.ConfigOf(rewardAttribute))).Signature is { } signature
            && (signature.Inputs.Count != 1 || signature.Outputs.Count != 1 || signature.Inputs[0].Rank != 2 || signature.Output.Rank != 3
                || signature.Inputs[0].HasVariadic || signature.Output.HasVariadic || signature.Output.Dims[2] is not { Kind: DimKind.Constant, Value: 1 }))
        {
            return $"Reward = typeof({reward.Name}) names a reward model, tokens [B, T] -> a score at each position [B, T, 1]; '{reward.Name}.{forward.Name}' is declared \"{text}\"";
        }
        return null;
    }

    public static string? TrainerProblem(INamedTypeSymbol type)
    {
        if (type.TypeKind != TypeKind.Class || type.IsGenericType || type.IsAbstract) return $"[Trainer] goes on a non-generic, non-abstract class; '{type.Name}' is not one";
        if (!TypeTargetParser.IsPartialAllTheWay(type)) return $"'{type.Name}' and the types around it must be partial";
        // The trainer feeds one batch and scores one prediction: a model with more inputs or results cannot be its TModel.
        var trainerBase = TrainerParser.TrainerBase(type);
        var trainerAttribute = type.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == KnownTypes.TrainerAttribute);
        var declaredLoss = trainerAttribute is { ConstructorArguments: [{ Value: int loss }, ..] } ? (LossKind?)loss : null;
        // DPO and RLHF tune a language model against a frozen copy of itself, with the preference hyperparameters.
        bool preferences = declaredLoss is LossKind.Dpo or LossKind.Rloo;
        string lossName = "Loss." + declaredLoss;
        if (RewardProblem(type, trainerAttribute, declaredLoss, trainerBase) is { } rewardProblem) return rewardProblem;
        if (trainerBase?.TypeArguments[0] is INamedTypeSymbol model
            && model.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == KnownTypes.ModelAttribute) is { } modelAttribute
            && ModelParser.Forward(model) is ({ } forward, { } text)
            && SignatureParser.Parse(text, ModelParser.DimNames(ModelParser.ConfigOf(modelAttribute))).Signature is { } signature)
        {
            if (signature.Inputs.Count != 1 || signature.Outputs.Count != 1)
            {
                return $"a trainer's model takes one tensor and returns one; '{model.Name}.{forward.Name}' is declared \"{text}\" "
                    + "(train a model that wraps it and returns the prediction the loss scores)";
            }
            // DPO scores the tokens of completions: the model reads tokens [B, T] and scores the next at each position.
            if (preferences && (signature.Inputs[0].Rank != 2 || signature.Output.Rank != 3 || signature.Inputs[0].HasVariadic || signature.Output.HasVariadic))
            {
                return $"a {lossName} trainer's model is a language model, tokens [B, T] -> next-token scores [B, T, V]; '{model.Name}.{forward.Name}' is declared \"{text}\"";
            }
            // A reward model scores every position; a sequence's reward is read at its last token.
            if (declaredLoss == LossKind.BradleyTerry && (signature.Inputs[0].Rank != 2 || signature.Output.Rank != 3 || signature.Inputs[0].HasVariadic || signature.Output.HasVariadic
                || signature.Output.Dims[2] is not { Kind: DimKind.Constant, Value: 1 }))
            {
                return $"a Loss.BradleyTerry trainer's model is a reward model, tokens [B, T] -> a score at each position [B, T, 1]; '{model.Name}.{forward.Name}' is declared \"{text}\"";
            }
        }
        if (preferences && trainerBase?.TypeArguments[2] is INamedTypeSymbol config && config.TypeKind != TypeKind.Error && !DerivesFrom(config, KnownTypes.PreferenceHyperParameters))
        {
            return declaredLoss == LossKind.Dpo
                ? $"a Loss.Dpo trainer's hyperparameters derive from {KnownTypes.PreferenceHyperParameters} (its Beta, PreferenceLoss and LabelSmoothing); '{config.Name}' does not"
                : $"a Loss.Rloo trainer's hyperparameters derive from {KnownTypes.PreferenceHyperParameters} (its SamplesPerPrompt, CompletionTokens, KlCoefficient, Temperature and RewardFrom); '{config.Name}' does not";
        }
        return null;
    }
}
