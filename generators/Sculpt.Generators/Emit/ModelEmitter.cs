using System.Collections.Generic;
using System.Linq;
using Sculpt.Generators.Layers;
using Sculpt.Generators.Model;
using Sculpt.Generators.Parsing;
using Sculpt.Generators.Shapes;

namespace Sculpt.Generators.Emit;

/// <summary>Writes the TorchSharp module behind a <c>[Model]</c> class.</summary>
internal static class ModelEmitter
{
    private const string Tensor = "global::TorchSharp.torch.Tensor";
    private const string SymbolicDim = "global::Sculpt.Models.SymbolicDim";

    public static string Emit(ModelSpec spec)
    {
        var w = new SourceWriter();
        var target = spec.Target;
        string self = target.Type.Name;
        bool hasConfig = spec.ConfigType is not null;
        var forward = spec.Forward;

        string module = forward is null
            ? "global::TorchSharp.torch.nn.Module"
            : "global::TorchSharp.torch.nn.Module<" + string.Join(", ", Enumerable.Repeat(Tensor, forward.Parameters.Count).Append(Result(forward))) + ">";
        string contract = hasConfig ? $"global::Sculpt.Models.ISculptModel<{self}, {spec.ConfigType}>" : "global::Sculpt.Models.ISculptModel";
        if (forward is { Results: 1 }) contract += ", global::Sculpt.Export.IOnnxExportable";

        w.BeginType(target);
        w.Line(SourceWriter.GeneratedCode);
        // TorchSharp calls forward; the model's own method is Forward: two names by design, not a typo.
        if (forward is not null && string.Equals(forward.MethodName, "forward", System.StringComparison.OrdinalIgnoreCase))
            w.Line("[global::System.Diagnostics.CodeAnalysis.SuppressMessage(\"Naming\", \"CA1708:Identifiers should differ by more than case\", Justification = \"TorchSharp's forward override beside the model's Forward\")]");
        w.Open($"partial {target.Type.Keyword} {self} : {module}, {contract}");

        foreach (var layer in spec.Layers)
        {
            w.Line($"/// <summary>The {LayerCatalog.Of(layer.Kind).Module} module behind <see cref=\"{layer.Name}\"/>; its state-dict prefix is \"{layer.StateName}\".</summary>");
            if (!layer.StateName.Contains('.')) w.Line($"[global::TorchSharp.Utils.ComponentName(Name = {SourceWriter.Quote(layer.StateName)})]");
            w.Line($"private readonly {LayerEmission.ModuleType(layer)} {layer.Field};");
            w.Line();
        }

        foreach (var submodel in spec.Submodels)
        {
            w.Line($"/// <summary>The {submodel.ShortType} behind <see cref=\"{submodel.Name}\"/>; its state-dict prefix is \"{submodel.StateName}\".</summary>");
            if (!submodel.StateName.Contains('.')) w.Line($"[global::TorchSharp.Utils.ComponentName(Name = {SourceWriter.Quote(submodel.StateName)})]");
            w.Line($"private readonly {SubmodelType(submodel)} {submodel.Field};");
            w.Line();
        }

        foreach (var learned in spec.Learned)
        {
            w.Line($"/// <summary>The learned tensor behind <see cref=\"{learned.Name}\"/>, {Escape(learned.Shape.ToString())}; its state-dict name is \"{learned.StateName}\".</summary>");
            if (!learned.StateName.Contains('.')) w.Line($"[global::TorchSharp.Utils.ComponentName(Name = {SourceWriter.Quote(learned.StateName)})]");
            w.Line($"private readonly global::TorchSharp.Modules.Parameter {learned.Field};");
            w.Line();
        }

        if (hasConfig)
        {
            w.Line("/// <summary>The hyperparameters this model was built from.</summary>");
            w.Line($"public {spec.ConfigType} Config {{ get; }}");
            w.Line();
        }

        w.Open(hasConfig ? $"public {self}({spec.ConfigType} config) : base({SourceWriter.Quote(self)})" : $"public {self}() : base({SourceWriter.Quote(self)})");
        w.Line("global::Sculpt.Backend.NativeBackend.EnsureLoaded();");
        if (hasConfig) w.Line("Config = config;");
        var checkedArguments = new HashSet<string>();
        foreach (var layer in spec.Layers)
        {
            foreach (var argument in layer.Arguments.Where(a => a.IsHyperParameter && checkedArguments.Add(a.HyperParameter!)))
            {
                string check = LayerCatalog.Of(layer.Kind).Arguments[layer.Arguments.Items.IndexOf(argument)].Role switch
                {
                    ArgumentRole.Probability => "Probability",
                    ArgumentRole.Positive => "Positive",
                    _ => "Size",
                };
                string flag = argument.Computed ? argument.HyperParameter! + " (computed)" : "--" + Parsing.Names.KebabCase(argument.HyperParameter!);
                w.Line($"global::Sculpt.HyperParameters.LayerArgumentCheck.{check}({LayerEmission.SizeText(argument, "config")}, {SourceWriter.Quote(flag)}, {SourceWriter.Quote(self)}, {SourceWriter.Quote(layer.Name)});");
            }
        }
        foreach (var layer in spec.Layers.Where(l => LayerCatalog.Of(l.Kind).Divides is { } d && (l.Arguments[d.Divisor].IsHyperParameter || l.Arguments[d.Dividend].IsHyperParameter)))
        {
            var definition = LayerCatalog.Of(layer.Kind);
            var (divisor, dividend) = definition.Divides!.Value;
            w.Line($"global::Sculpt.HyperParameters.LayerArgumentRelations.Divides({LayerEmission.SizeText(layer.Arguments[dividend], "config")}, {LayerEmission.SizeText(layer.Arguments[divisor], "config")}, "
                + $"{SourceWriter.Quote(Lower(definition.Arguments[dividend].Description))}, {SourceWriter.Quote(Lower(definition.Arguments[divisor].Description))}, {SourceWriter.Quote(self)}, {SourceWriter.Quote(layer.Name)});");
        }
        foreach (var layer in spec.Layers)
        {
            w.Line($"{layer.Field} = {LayerEmission.Construction(layer, "config")};");
        }
        foreach (var layer in spec.Layers.Where(l => l.Init is not null && LayerEmission.TakesInitScheme(l.Kind)))
        {
            var init = layer.Init!;
            string std = SourceWriter.Literal(init.Std);
            string outputStd = init.ScaleByDepth is { } depth && hasConfig
                ? $"{std} / global::System.Math.Sqrt(2.0 * config.{Names.Identifier(depth)})"
                : std;
            w.Line($"global::Sculpt.Layers.Initialization.Apply({layer.Field}, global::Sculpt.InitScheme.{init.Scheme}, {std}, {outputStd});");
        }
        foreach (var learned in spec.Learned)
        {
            w.Line($"{learned.Field} = global::Sculpt.Layers.Initialization.Learned(new long[] {{ {string.Join(", ", learned.Shape.Dims.Select(d => Size(d, "config")))} }}, {SourceWriter.Literal(learned.Std)}, {SourceWriter.Literal(learned.Fill)});");
        }
        bool tied = spec.Layers.Any(l => l.TiedTo is not null);
        if (tied) w.Line("TieWeights();");
        foreach (var submodel in spec.Submodels)
        {
            string build = $"new {submodel.Type}({BlockConfig(submodel, "config")})";
            if (submodel.Repeat is not { } repeat)
            {
                w.Line($"{submodel.Field} = {build};");
                continue;
            }
            if (repeat.IsHyperParameter)
            {
                string flag = repeat.Computed ? repeat.HyperParameter! + " (computed)" : "--" + Parsing.Names.KebabCase(repeat.HyperParameter!);
                w.Line($"global::Sculpt.HyperParameters.LayerArgumentCheck.Size(config.{Names.Identifier(repeat.HyperParameter!)}, {SourceWriter.Quote(flag)}, {SourceWriter.Quote(self)}, {SourceWriter.Quote(submodel.Name)});");
            }
            string blocks = "new" + submodel.Name;
            w.Line($"{submodel.Type}[] {blocks} = new {submodel.Type}[{LayerEmission.SizeText(repeat, "config")}];");
            w.Line($"for (int i = 0; i < {blocks}.Length; i++) {blocks}[i] = {build};");
            w.Line($"{submodel.Field} = new {SubmodelType(submodel)}({blocks});");
        }
        var dotted = spec.Layers.Select(l => (l.Field, l.StateName)).Concat(spec.Submodels.Select(m => (m.Field, m.StateName)))
            .Concat(spec.Learned.Select(l => (l.Field, l.StateName))).Where(c => c.StateName.Contains('.')).ToList();
        if (dotted.Count > 0)
        {
            // TorchSharp's scan registers a field under one word; components under dotted state names are held
            // aside while it runs and attached along their paths after it.
            w.Line("// Held aside from RegisterComponents: their state names are dotted paths (see global::Sculpt.Models.StateNames).");
            for (int i = 0; i < dotted.Count; i++) w.Line($"var dotted{i} = {dotted[i].Field}; {dotted[i].Field} = null!;");
        }
        w.Line("RegisterComponents();");
        for (int i = 0; i < dotted.Count; i++)
        {
            w.Line($"{dotted[i].Field} = dotted{i};");
            w.Line($"global::Sculpt.Models.StateNames.Attach(this, {SourceWriter.Quote(dotted[i].StateName)}, {dotted[i].Field});");
        }
        w.Close();
        w.Line();

        if (hasConfig)
        {
            w.Line($"public static {self} Create({spec.ConfigType} config) => new(config);");
            w.Line();
        }

        if (tied) EmitTies(w, spec, self);

        foreach (var layer in spec.Layers)
        {
            w.Line($"/// <summary>{LayerEmission.Describe(layer)}</summary>");
            EmitLayerMethod(w, layer);
            w.Line();
        }

        foreach (var learned in spec.Learned)
        {
            string start = learned.Std > 0 ? $"N(0, {SourceWriter.Literal(learned.Std)})" : learned.Fill != 0 ? $"all {SourceWriter.Literal(learned.Fill)}" : "zeros";
            w.Line($"/// <summary>A learned tensor {Escape(learned.Shape.ToString())}, starting at {start}.</summary>");
            // A parameter under a dotted name is read where it is registered: moving the model to a device replaces it there, not in the field.
            w.Line(learned.StateName.Contains('.')
                ? $"{learned.Accessibility} partial global::TorchSharp.torch.Tensor {Names.Identifier(learned.Name)} => global::Sculpt.Models.StateNames.Parameter(this, {SourceWriter.Quote(learned.StateName)});"
                : $"{learned.Accessibility} partial global::TorchSharp.torch.Tensor {Names.Identifier(learned.Name)} => {learned.Field};");
            w.Line();
        }

        foreach (var submodel in spec.Submodels)
        {
            w.Line($"/// <summary>Sub-model {submodel.ShortType}; call it with <c>{submodel.Name}.call(x)</c>.</summary>");
            w.Line($"{submodel.Accessibility} partial {SubmodelType(submodel)} {Names.Identifier(submodel.Name)} => {submodel.Field};");
            w.Line();
        }

        if (forward is not null) EmitForward(w, spec, forward, self);
        if (forward is { Results: 1 }) EmitOnnx(w, spec, forward, self);

        string configName = hasConfig ? "config" : "";
        w.Line("/// <summary>The number of trainable parameters" + (hasConfig ? " the model has for <paramref name=\"config\"/>" : "") + ".</summary>");
        string total = TotalParameterCount(spec.Layers, "config");
        foreach (var submodel in spec.Submodels)
        {
            total += " + " + SubmodelCount(submodel, configName);
        }
        foreach (var learned in spec.Learned)
        {
            total += " + " + string.Join(" * ", learned.Shape.Dims.Select(d => Size(d, configName)));
        }
        w.Line(hasConfig
            ? $"public static long CountParameters({spec.ConfigType} {configName}) => {total};"
            : $"public static long CountParameters() => {total};");
        w.Line();
        w.Line("/// <inheritdoc/>");
        w.Line(hasConfig ? "public long ParameterCount => CountParameters(Config);" : "public long ParameterCount => CountParameters();");
        w.Line();
        EmitLoadWeights(w, spec);
        if (hasConfig) EmitShapeErrors(w, spec);

        EmitSummary(w, spec, self);

        w.Close();
        w.EndType(target);
        return w.ToString();
    }

    /// <summary>
    /// Tied weights, shared again after every move: TorchSharp's <c>to(...)</c> gives each module
    /// its own moved copy, which would silently untie them.
    /// </summary>
    private static void EmitTies(SourceWriter w, ModelSpec spec, string self)
    {
        const string Module = "global::TorchSharp.torch.nn.Module";
        w.Open("private void TieWeights()");
        foreach (var layer in spec.Layers.Where(l => l.TiedTo is not null))
        {
            w.Line($"global::Sculpt.Layers.WeightTying.Tie({layer.Field}, {spec.Layers.First(l => l.Name == layer.TiedTo).Field}, {SourceWriter.Quote(self)}, {SourceWriter.Quote(layer.Name)}, {SourceWriter.Quote(layer.TiedTo!)});");
        }
        w.Close();
        w.Line();
        string[] overloads =
        [
            "global::TorchSharp.torch.Device device, global::TorchSharp.torch.ScalarType dtype, bool non_blocking|device, dtype, non_blocking",
            "global::TorchSharp.DeviceType deviceType, int deviceIndex, bool non_blocking|deviceType, deviceIndex, non_blocking",
            "global::TorchSharp.torch.ScalarType dtype, bool non_blocking|dtype, non_blocking",
        ];
        foreach (var overload in overloads)
        {
            var parts = overload.Split('|');
            w.Open($"protected override {Module} _to({parts[0]})");
            w.Line($"base._to({parts[1]});");
            w.Line("TieWeights();");
            w.Line("return this;");
            w.Close();
            w.Line();
        }
    }

    private static void EmitLayerMethod(SourceWriter w, LayerSpec layer)
    {
        string parameters = string.Join(", ", layer.Parameters.Select(p => $"{p.Type} {Names.Identifier(p.Name)}"));
        string declaration = $"{layer.Accessibility} partial {layer.ReturnType} {Names.Identifier(layer.Name)}({parameters})";
        var definition = LayerCatalog.Of(layer.Kind);
        var names = layer.Parameters.Select(p => Names.Identifier(p.Name)).ToList();
        if (definition is not Recurrent recurrent)
        {
            w.Line($"{declaration} => {definition.Call(layer, "this." + layer.Field, names)};");
            return;
        }
        // Recurrent modules start from the given states, or zeros (null), and always give the final states back.
        string call = $"this.{layer.Field}.call({names[0]}, {recurrent.InitialStates(names)})";
        if (layer.ReturnsStates)
        {
            w.Line($"{declaration} => {call};");
            return;
        }
        // Locals renamed only if the user's parameter already has the name.
        string Local(string name) => layer.Parameters.Any(p => p.Name == name) ? name + "_" : name;
        w.Open(declaration);
        string states = definition.States == 2 ? $"{Tensor} {Local("output")}, {Tensor} {Local("hidden")}, {Tensor} {Local("cell")}" : $"{Tensor} {Local("output")}, {Tensor} {Local("hidden")}";
        w.Line($"({states}) = {call};");
        w.Line($"{Local("hidden")}.Dispose();");
        if (definition.States == 2) w.Line($"{Local("cell")}.Dispose();");
        w.Line($"return {Local("output")};");
        w.Close();
    }

    private static void EmitForward(SourceWriter w, ModelSpec spec, ForwardSpec forward, string self)
    {
        string parameters = string.Join(", ", forward.Parameters.Select(p => $"{Tensor} {Names.Identifier(p.Name)}"));
        string arguments = string.Join(", ", forward.Parameters.Select(p => Names.Identifier(p.Name)));
        w.Line($"/// <summary>Checks the inputs against <c>{Escape(OneLine(forward.Signature))}</c>, then runs <see cref=\"{forward.MethodName}\"/>.</summary>");
        w.Line("/// <exception cref=\"global::Sculpt.Models.ShapeMismatchException\">An input does not have its declared shape.</exception>");
        w.Open($"public override {Result(forward)} forward({parameters})");
        if (forward.SignatureValid)
        {
            var bound = new HashSet<string>();
            foreach (var parameter in forward.Parameters)
            {
                if (parameter.Shape is { } shape) EmitInputCheck(w, Names.Identifier(parameter.Name), parameter.Name, shape, spec.ConfigType is not null, bound);
            }
        }
        // `this.`: a parameter may share the method's name.
        w.Line($"return this.{Names.Identifier(forward.MethodName)}({arguments});");
        w.Close();
        w.Line();
        w.Line($"private static global::Sculpt.Models.ShapeMismatchException InputMismatch(string argument, string expected, {Tensor} actual, string reason) =>");
        w.Line($"    global::Sculpt.Models.ShapeMismatchException.For({SourceWriter.Quote(self)}, argument, {SourceWriter.Quote(forward.Signature)}, expected, actual, reason);");
        w.Line();
    }

    /// <summary>
    /// The forward body over ONNX values (<c>OnnxForward</c>, which <c>OnnxExport</c> runs to write the graph), the
    /// declared input and output dims, and each exportable layer as <c>OnnxLayers.Apply</c> of its module.
    /// </summary>
    private static void EmitOnnx(SourceWriter w, ModelSpec spec, ForwardSpec forward, string self)
    {
        const string Value = "global::Sculpt.Export.OnnxValue";
        string config = spec.ConfigType is null ? "" : "this.Config";
        string? problem = forward.OnnxProblem;
        var inputs = forward.Parameters.Select(p => p.Shape is { } shape && OnnxDims(shape, config) is { } dims ? (p.Name, dims) : (p.Name, null)).ToList();
        if (problem is null && inputs.Any(i => i.Item2 is null)) problem = "an input's declared shape has dims ONNX cannot name (a variadic '*' dim)";
        if (problem is null && (forward.Output is not { } output || OnnxDims(output, config) is null)) problem = "its declared result has dims ONNX cannot name";

        string parameters = string.Join(", ", forward.Parameters.Select(p => $"{Value} {Names.Identifier(p.Name)}"));
        w.Line($"/// <summary>{Escape(forward.MethodName)} over ONNX values: running it writes this model's ONNX graph (<see cref=\"global::Sculpt.Export.OnnxExport\"/>).</summary>");
        w.Line("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
        if (problem is not null || forward.OnnxBody is null)
        {
            w.Line($"public {Value} OnnxForward({parameters}) =>");
            w.Line($"    throw new global::System.NotSupportedException({SourceWriter.Quote($"{self} has no ONNX form: {problem}.")});");
            w.Line();
            w.Line($"string? global::Sculpt.Export.IOnnxExportable.OnnxProblem => {SourceWriter.Quote($"{self} has no ONNX form: {problem}.")};");
            w.Line();
            w.Line($"global::System.Collections.Generic.IReadOnlyList<(string Name, object[] Dims)> global::Sculpt.Export.IOnnxExportable.OnnxInputs => [];");
            w.Line();
            w.Line($"object[] global::Sculpt.Export.IOnnxExportable.OnnxOutput => [];");
        }
        else
        {
            w.Line($"public {Value} OnnxForward({parameters})");
            // The rewritten block, braces included, as Parsing/OnnxTwin laid it out.
            foreach (string line in forward.OnnxBody.Trim().Split('\n')) w.Line(line.TrimEnd('\r'));
            w.Line();
            w.Line("string? global::Sculpt.Export.IOnnxExportable.OnnxProblem => null;");
            w.Line();
            w.Line($"global::System.Collections.Generic.IReadOnlyList<(string Name, object[] Dims)> global::Sculpt.Export.IOnnxExportable.OnnxInputs =>");
            w.Line($"    [{string.Join(", ", inputs.Select(i => $"({SourceWriter.Quote(i.Name)}, {i.Item2})"))}];");
            w.Line();
            w.Line($"object[] global::Sculpt.Export.IOnnxExportable.OnnxOutput => {OnnxDims(forward.Output!, config)};");
            foreach (var layer in spec.Layers.Where(l => Parsing.OnnxTwin.SupportedLayers.Contains(l.Kind) && LayerCatalog.Of(l.Kind).Inputs == 1).GroupBy(l => l.Name).Select(g => g.First()))
            {
                w.Line();
                w.Line(layer.ReturnsStates
                    // A recurrent layer declared with its states gives them too, in the tuple the user declared.
                    ? $"private {layer.ReturnType.Replace(Tensor, Value)} {Names.Identifier(layer.Name)}({Value} x) => global::Sculpt.Export.OnnxLayers.{layer.Kind}(x, this.{layer.Field}, {SourceWriter.Quote(layer.StateName)});"
                    : $"private {Value} {Names.Identifier(layer.Name)}({Value} x) => global::Sculpt.Export.OnnxLayers.Apply(x, this.{layer.Field}, {SourceWriter.Quote(layer.StateName)});");
            }
        }
        w.Line();
        string arguments = string.Join(", ", forward.Parameters.Select((_, i) => $"inputs[{i}]"));
        w.Line($"{Value} global::Sculpt.Export.IOnnxExportable.OnnxForward(global::System.Collections.Generic.IReadOnlyList<{Value}> inputs) => OnnxForward({arguments});");
        w.Line();
    }

    /// <summary>A declared shape as ONNX dims (a C# <c>object[]</c>): sizes a config decides as numbers, the rest by their names; null for a variadic dim.</summary>
    private static string? OnnxDims(Shape shape, string config)
    {
        var dims = new List<string>();
        foreach (var dim in shape.Dims)
        {
            if (dim.Kind == DimKind.Variadic) return null;
            dims.Add(ShapeComparison.ConfigDecided(dim) && (config.Length > 0 || dim.Kind == DimKind.Constant)
                ? "(object)" + Size(dim, config)
                : SourceWriter.Quote(dim.Text));
        }
        return "new object[] { " + string.Join(", ", dims) + " }";
    }

    /// <summary>What the forward returns: a tensor, or a tuple of tensors for a signature with several results.</summary>
    private static string Result(ForwardSpec forward) =>
        forward.Results == 1 ? Tensor : "(" + string.Join(", ", Enumerable.Repeat(Tensor, forward.Results)) + ")";

    /// <summary>Rank, literal dims, hyperparameter dims and repeated symbols: each a cheap <c>size(i)</c> compare.</summary>
    private static void EmitInputCheck(SourceWriter w, string name, string displayName, Shape shape, bool hasConfig, HashSet<string> bound)
    {
        string expected = SourceWriter.Quote(string.Join(", ", shape.Dims.Select(d => d.Text)));
        bool variadic = shape.HasVariadic;
        int fixedDims = shape.Rank - (variadic ? 1 : 0);
        string fail = $"throw InputMismatch({SourceWriter.Quote(displayName)}, {expected}, {name}, ";
        w.Line(variadic
            ? $"if ({name}.dim() < {fixedDims}) {fail}$\"it has {{{name}.dim()}} dims, fewer than {fixedDims}\");"
            : $"if ({name}.dim() != {fixedDims}) {fail}$\"it has {{{name}.dim()}} dims, not {fixedDims}\");");
        for (int i = 0; i < shape.Rank; i++)
        {
            var dim = shape.Dims[i];
            string index = variadic ? "-" + (shape.Rank - i) : i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            string size = $"{name}.size({index})";
            string where = variadic ? $"dim {index}" : $"dim {index}";
            switch (dim.Kind)
            {
                case DimKind.Constant:
                    w.Line($"if ({size} != {dim.Value}) {fail}$\"{where} is {{{size}}}, not {dim.Value}\");");
                    break;
                case DimKind.HyperParameter when hasConfig:
                    w.Line($"if ({size} != this.Config.{Names.Identifier(dim.Name)}) {fail}$\"{where} is {{{size}}}, not {dim.Name} = {{this.Config.{Names.Identifier(dim.Name)}}}\");");
                    break;
                case DimKind.Symbol when bound.Add(dim.Name):
                    w.Line($"long dim{dim.Name.TrimStart('@')} = {size};");
                    break;
                case DimKind.Symbol:
                    w.Line($"if ({size} != dim{dim.Name}) {fail}$\"{where} is {{{size}}}, but {dim.Name} is {{dim{dim.Name}}}\");");
                    break;
            }
        }
    }

    /// <summary>
    /// <c>LoadWeights(path)</c>: a safetensors file (published or Sculpt's) loaded by name through the model's
    /// <c>[RenameWeights]</c> rules, so a model declared with a publisher's <c>[StateName]</c>s takes their file as it is.
    /// </summary>
    private static void EmitLoadWeights(SourceWriter w, ModelSpec spec)
    {
        string renames = spec.Renames.Count == 0
            ? "null"
            : "new (string, string)[] { " + string.Join(", ", spec.Renames.Select(r => $"({SourceWriter.Quote(r.Pattern)}, {SourceWriter.Quote(r.Replacement)})")) + " }";
        w.Line("/// <summary>");
        w.Line("/// Loads a safetensors file's or a PyTorch state dict's weights into this model by name" + (spec.Renames.Count == 0 ? "" : ", after the model's [RenameWeights] rules") + "; nothing is copied");
        w.Line("/// unless every tensor fits, those of <paramref name=\"fresh\"/> components apart (see <see cref=\"global::Sculpt.Checkpoints.PublishedWeights.Load\"/>).");
        w.Line("/// </summary>");
        w.Line($"public global::Sculpt.Checkpoints.WeightLoadReport LoadWeights(string path, bool allowMissing = false, global::System.Collections.Generic.IReadOnlyCollection<string>? fresh = null) =>");
        w.Line($"    global::Sculpt.Checkpoints.PublishedWeights.Load(this, path, {renames}, allowMissing, fresh);");
        w.Line();
    }

    private static void EmitSummary(SourceWriter w, ModelSpec spec, string self)
    {
        bool hasConfig = spec.ConfigType is not null;
        var rows = spec.Rows.Count > 0 || spec.Forward is not null
            ? spec.Rows.Items.ToList()
            : spec.Layers.Select(l => new SummaryRowSpec(l.Name, LayerCatalog.Of(l.Kind).Module, null, l.Name)).ToList();
        var layers = spec.Layers.GroupBy(l => l.Name).ToDictionary(g => g.Key, g => g.First());
        // A layer that the forward body never reaches still owns parameters: list it after the others.
        foreach (var unused in spec.Layers.Where(l => !rows.Any(r => r.LayerName == l.Name)))
        {
            rows.Add(new SummaryRowSpec(unused.Name, LayerCatalog.Of(unused.Kind).Module, null, unused.Name));
        }
        foreach (var unused in spec.Submodels.Where(m => !rows.Any(r => r.LayerName == m.Name)))
        {
            rows.Add(new SummaryRowSpec(unused.Name, unused.ShortType, null, unused.Name));
        }
        var learnedTensors = spec.Learned.GroupBy(l => l.Name).ToDictionary(g => g.Key, g => g.First());
        foreach (var learned in spec.Learned) rows.Add(new SummaryRowSpec(learned.Name, "Parameter", learned.Shape, learned.Name));

        const string Sizes = "global::System.Collections.Generic.IReadOnlyDictionary<string, long>";
        w.Line("/// <inheritdoc/>");
        w.Line(hasConfig
            ? "public global::Sculpt.Models.ModelSummary Summary(params (string Symbol, long Size)[] sizes) => Summarize(Config, global::Sculpt.Models.ModelSummary.SizesFrom(sizes));"
            : "public global::Sculpt.Models.ModelSummary Summary(params (string Symbol, long Size)[] sizes) => Summarize(global::Sculpt.Models.ModelSummary.SizesFrom(sizes));");
        w.Line();
        w.Line("/// <summary>The layer table for " + (hasConfig ? "<paramref name=\"config\"/> and " : "") + "<paramref name=\"sizes\"/> (symbol values such as B), computed from the declaration without building the model.</summary>");
        w.Open(hasConfig
            ? $"public static global::Sculpt.Models.ModelSummary Summarize({spec.ConfigType} config, {Sizes} sizes)"
            : $"public static global::Sculpt.Models.ModelSummary Summarize({Sizes} sizes)");
        // Sub-model calls are summarised in forward order, each from the sizes the calls before it showed.
        bool calls = rows.Any(r => spec.Submodels.Any(m => m.Name == r.Name));
        string lookup = calls ? "bound" : "sizes";
        // Typed locals: a user type named `var` must not change them.
        if (calls) w.Line("global::System.Collections.Generic.Dictionary<string, long> bound = new(sizes, global::System.StringComparer.Ordinal);");
        w.Line("global::System.Collections.Generic.List<global::Sculpt.Models.SummaryRow> rows = new();");
        int call = 0;
        foreach (var row in rows)
        {
            string output = row.Output is null ? $"{SymbolicDim}.Unknown" : string.Join(", ", row.Output.Dims.Select(d => DimExpression(d, hasConfig)));
            var submodel = spec.Submodels.FirstOrDefault(m => m.Name == row.Name);
            layers.TryGetValue(row.Name, out var layer);
            string parameters = row.LayerName is not null && layer is not null
                ? LayerEmission.ParameterCount(layer, "config")
                : row.LayerName is not null && submodel is not null ? SubmodelCount(submodel, "config")
                : row.Kind == "Parameter" && learnedTensors.TryGetValue(row.Name, out var tensor) ? string.Join(" * ", tensor.Shape.Dims.Select(d => Size(d, "config")))
                : "0L";
            string arguments = $"{SourceWriter.Quote(row.Name)}, {SourceWriter.Quote(row.Kind)}, [{output}], {parameters}";
            if (submodel is not null)
            {
                string summary = "call" + (++call).ToString(System.Globalization.CultureInfo.InvariantCulture);
                w.Line($"(global::Sculpt.Models.ModelSummary? Last, long? MultiplyAdds) {summary} = {SubmodelChain(submodel, "config", row, hasConfig, lookup)};");
                w.Line($"rows.Add(new({arguments}) {{ MultiplyAdds = {summary}.MultiplyAdds }});");
                // What only the sub-model's result shows (its P) is this call's: Stage2.P, as the forward walk named it.
                var own = submodel.OutputSymbols.Where(o => !submodel.InputSymbols.Any(i => i.Symbol == o.Symbol)).ToList();
                if (own.Count > 0)
                    w.Line($"global::Sculpt.Models.ModelSummary.BindResult(bound, {SourceWriter.Quote(row.Name)}, {summary}.Last, {string.Join(", ", own.Select(o => $"({SourceWriter.Quote(o.Symbol)}, {o.FromEnd})"))});");
                continue;
            }
            string multiplyAdds = layer is not null ? LayerEmission.MultiplyAdds(layer, "config") : row.Name == "Ops.MatMul" ? "null" : "0L";
            w.Line(multiplyAdds switch
            {
                // No matrix products: nothing to count, whatever the shape.
                "0L" => $"rows.Add(new({arguments}) {{ MultiplyAdds = 0 }});",
                "null" => $"rows.Add(new({arguments}));",
                _ => $"rows.Add(global::Sculpt.Models.SummaryRow.Of({arguments}, {lookup}, o => {multiplyAdds}));",
            });
        }
        string signature = spec.Forward?.Signature ?? "";
        string total = hasConfig ? "CountParameters(config)" : "CountParameters()";
        var init = new List<string>();
        if (spec.Forward?.Result is { } result) init.Add($"Result = [{string.Join(", ", result.Dims.Select(d => DimExpression(d, hasConfig)))}]");
        if (calls) init.Add("Resolved = bound");
        w.Line($"return new global::Sculpt.Models.ModelSummary({SourceWriter.Quote(self)}, {SourceWriter.Quote(signature)}, rows, {total}, sizes)"
            + (init.Count == 0 ? ";" : " { " + string.Join(", ", init) + " };"));
        w.Close();
    }

    /// <summary>
    /// A sub-model call's summary: its blocks one after another (one for a plain sub-model), the first sized from the
    /// input it was called with (and what its row's output shows), each next one from the one before's result.
    /// </summary>
    private static string SubmodelChain(SubmodelSpec submodel, string config, SummaryRowSpec row, bool hasConfig, string lookup)
    {
        var fromInput = row.Input is { HasVariadic: false } input
            ? submodel.InputSymbols.Where(s => s.FromEnd <= input.Rank).Select(s => (s.Symbol, Dim: input.Dims[input.Rank - s.FromEnd])).ToList()
            : [];
        // A symbol the input does not show (it was unknown there) may still show in the row's output: B of B T Dim -> B T Dim.
        var fromOutput = row.Output is { HasVariadic: false } shown
            ? submodel.OutputSymbols.Where(s => submodel.InputSymbols.Any(i => i.Symbol == s.Symbol) && !fromInput.Any(i => i.Symbol == s.Symbol) && s.FromEnd <= shown.Rank)
                .Select(s => (s.Symbol, Dim: shown.Dims[shown.Rank - s.FromEnd]))
            : [];
        string first = $"global::Sculpt.Models.ModelSummary.Bind({string.Join(", ", fromInput.Concat(fromOutput).Select(b => $"({SourceWriter.Quote(b.Symbol)}, {DimExpression(b.Dim, hasConfig)}.Resolve({lookup}))"))})";
        string count = submodel.Repeat is { } repeat ? RepeatCount(repeat, config) : "1L";
        string block = $"(i, s) => {submodel.Type}.Summarize({(submodel.TakesConfig ? BlockConfig(submodel, config) + ", " : "")}s)";
        string inputs = string.Concat(submodel.InputSymbols.Select(s => $", ({SourceWriter.Quote(s.Symbol)}, {s.FromEnd})"));
        return $"global::Sculpt.Models.ModelSummary.Chain({count}, {block}, {first}{inputs})";
    }

    /// <summary>
    /// <c>ShapeErrors(config)</c>: every size comparison of the forward body that a config decides,
    /// evaluated for one config without building the model (its sub-models' too). Trainers call it
    /// before they build a model; hyperparameter search can reject a trial with it.
    /// </summary>
    private static void EmitShapeErrors(SourceWriter w, ModelSpec spec)
    {
        const string List = "global::System.Collections.Generic.List<string>";
        w.Line("/// <summary>Every way <paramref name=\"config\"/> breaks the forward body's shapes, found without building the model; empty when it fits.</summary>");
        w.Open($"public static global::System.Collections.Generic.IReadOnlyList<string> ShapeErrors({spec.ConfigType} config)");
        w.Line($"{List} errors = new {List}();");
        foreach (var check in spec.Checks.Distinct())
        {
            w.Line($"global::Sculpt.Models.ShapeCheck.Require(errors, {SourceWriter.Quote(check.Subject)}, {SourceWriter.Quote(check.Expected)}, {SourceWriter.Quote(check.Actual)}, {SourceWriter.Quote(check.Where)},");
            w.Line($"    {DimExpression(check.ExpectedDim, hasConfig: true)}, {DimExpression(check.ActualDim, hasConfig: true)}, {SourceWriter.Quote(check.Origin)});");
        }
        foreach (var submodel in spec.Submodels.Where(m => m.TakesConfig && m.Sizes is null).GroupBy(m => m.Type).Select(g => g.First()))
        {
            w.Line($"errors.AddRange({submodel.Type}.ShapeErrors(config));");
        }
        // A block with hyperparameters of its own is checked with them, each block of a stage with its own.
        foreach (var submodel in spec.Submodels.Where(m => m.Sizes is not null))
        {
            w.Line(submodel.Indexed && submodel.Repeat is { } repeat
                ? $"for (int i = 0; i < {RepeatCount(repeat, "config")}; i++) errors.AddRange({submodel.Type}.ShapeErrors({BlockConfig(submodel, "config")}));"
                : $"errors.AddRange({submodel.Type}.ShapeErrors({BlockConfig(submodel, "config")}));");
        }
        w.Line("return errors;");
        w.Close();
        w.Line();
    }

    private static string DimExpression(Dim dim, bool hasConfig) => dim.Kind switch
    {
        DimKind.Constant => $"{SymbolicDim}.Constant({dim.Value})",
        DimKind.HyperParameter when hasConfig => $"{SymbolicDim}.HyperParameter({SourceWriter.Quote(dim.Name)}, config.{Names.Identifier(dim.Name)})",
        DimKind.Symbol or DimKind.HyperParameter => $"{SymbolicDim}.Of({SourceWriter.Quote(dim.Name)})",
        DimKind.Variadic => $"{SymbolicDim}.Of({SourceWriter.Quote("*" + dim.Name)})",
        DimKind.Product => $"{SymbolicDim}.Product({string.Join(", ", dim.Factors.Select(f => DimExpression(f, hasConfig)))})",
        DimKind.Window => $"{SymbolicDim}.Window({DimExpression(dim.Factors[0], hasConfig)}, {dim.Window[0]}, {dim.Window[1]}, {SourceWriter.Quote(dim.Text)})",
        // The window's offset and stride from this config's settings.
        DimKind.ConfiguredWindow when hasConfig && dim.Factors.Skip(1).All(ShapeComparison.ConfigDecided) =>
            $"{SymbolicDim}.Window({DimExpression(dim.Factors[0], hasConfig)}, 2L * {Size(dim.Factors[3], "config")} - {Size(dim.Factors[4], "config")} * ({Size(dim.Factors[1], "config")} - 1L) - 1L, {Size(dim.Factors[2], "config")}, {SourceWriter.Quote(dim.Text)})",
        DimKind.Choice when hasConfig => $"{SymbolicDim}.Choose({dim.Name}, {DimExpression(dim.Factors[0], hasConfig)}, {DimExpression(dim.Factors[1], hasConfig)}, {SourceWriter.Quote(dim.Text)})",
        DimKind.Largest => $"{SymbolicDim}.Largest({DimExpression(dim.Factors[0], hasConfig)}, {DimExpression(dim.Factors[1], hasConfig)}, {SourceWriter.Quote(dim.Text)})",
        DimKind.Sum => $"{SymbolicDim}.Sum({string.Join(", ", dim.Factors.Select(f => DimExpression(f, hasConfig)))})",
        DimKind.Quotient => $"{SymbolicDim}.Quotient({DimExpression(dim.Factors[0], hasConfig)}, {DimExpression(dim.Factors[1], hasConfig)})",
        _ => $"{SymbolicDim}.Unknown",
    };


    /// <summary>"The head count" as the middle of a sentence: "the head count".</summary>
    private static string Lower(string description) => char.ToLowerInvariant(description[0]) + description.Substring(1);

    private static string SubmodelType(SubmodelSpec submodel) =>
        submodel.Repeat is null ? submodel.Type : $"global::TorchSharp.Modules.ModuleList<{submodel.Type}>";

    /// <summary>A sub-model's parameter count, times its repeat count.</summary>
    private static string SubmodelCount(SubmodelSpec submodel, string config)
    {
        string one = $"{submodel.Type}.CountParameters({BlockConfig(submodel, config)})";
        if (submodel.Repeat is not { } repeat) return one;
        return submodel.Indexed
            ? $"global::System.Linq.Enumerable.Sum(global::System.Linq.Enumerable.Range(0, checked((int){RepeatCount(repeat, config)})), i => {one})"
            : $"{RepeatCount(repeat, config)} * {one}";
    }

    /// <summary>A repeated sub-model's block count as a <c>long</c> C# expression.</summary>
    private static string RepeatCount(LayerArgument repeat, string config) =>
        repeat.IsHyperParameter ? $"(long){config}.{Names.Identifier(repeat.HyperParameter!)}" : SourceWriter.Literal((long)repeat.Literal) + "L";

    /// <summary>
    /// What a block's constructor, count and checks take: the parent's config, the block's own hyperparameters made by the
    /// parent's method (for block <c>i</c> of a stage), or nothing.
    /// </summary>
    private static string BlockConfig(SubmodelSpec submodel, string config) =>
        submodel.Sizes is null
            ? (submodel.TakesConfig ? config : "")
            : $"{submodel.Sizes}({string.Join(", ", new[] { submodel.SizesTakeConfig ? config : null, submodel.Indexed ? "i" : null }.Where(a => a is not null))})";


    /// <summary>The sum over layers, literal parts folded into one number.</summary>
    private static string TotalParameterCount(EquatableArray<LayerSpec> layers, string config)
    {
        long constant = 0;
        var terms = new List<string>();
        foreach (var layer in layers)
        {
            string count = LayerEmission.ParameterCount(layer, config);
            if (count.EndsWith("L") && long.TryParse(count.Substring(0, count.Length - 1), out long value)) constant += value;
            else terms.Add("(" + count + ")");
        }
        if (constant != 0 || terms.Count == 0) terms.Add(SourceWriter.Literal(constant) + "L");
        return string.Join(" + ", terms);
    }

    /// <summary>A size known once a config is, as a <c>long</c> C# expression over <paramref name="config"/>.</summary>
    private static string Size(Dim dim, string config) => dim.Kind switch
    {
        DimKind.Constant => SourceWriter.Literal(dim.Value) + "L",
        DimKind.HyperParameter => $"(long){config}.{Names.Identifier(dim.Name)}",
        DimKind.Product => "(" + string.Join(" * ", dim.Factors.Select(f => Size(f, config))) + ")",
        DimKind.Sum => "(" + string.Join(" + ", dim.Factors.Select(f => Size(f, config))) + ")",
        DimKind.Quotient => $"({Size(dim.Factors[0], config)} / {Size(dim.Factors[1], config)})",
        DimKind.Window => $"(({Size(dim.Factors[0], config)} + {dim.Window[0]}L) / {dim.Window[1]}L + 1L)",
        _ => "0L",
    };

    private static string OneLine(string text) => text.Replace("\r\n", " ").Replace('\n', ' ').Replace('\r', ' ');

    private static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
