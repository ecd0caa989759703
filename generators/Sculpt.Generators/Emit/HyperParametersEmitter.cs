using System.Linq;
using Sculpt.Generators.Model;
using Sculpt.Generators.Parsing;

namespace Sculpt.Generators.Emit;

/// <summary>Writes command-line binding, help, JSON and validation for a <c>[HyperParameters]</c> record.</summary>
internal static class HyperParametersEmitter
{
    private const string Runtime = "global::Sculpt.HyperParameters";
    private const string List = "global::System.Collections.Generic.IReadOnlyList";

    public static string Emit(HyperParametersSpec spec)
    {
        var w = new SourceWriter();
        var target = spec.Target;
        string self = target.Type.Name;
        // A [HyperParameters] base record has the same members; these hide them on purpose.
        string hide = spec.HidesBase ? "new " : "";
        w.BeginType(target);
        w.Line(SourceWriter.GeneratedCode);
        w.Open($"partial {target.Type.Keyword} {self} : {Runtime}.IHyperParameters<{self}>");

        w.Line($"private static readonly string[] s_flags = [{string.Join(", ", spec.Properties.Select(p => SourceWriter.Quote(p.Flag)))}];");
        w.Line($"private static readonly string[] s_jsonNames = [{string.Join(", ", spec.Properties.Select(p => SourceWriter.Quote(p.JsonName)))}];");
        w.Line();

        w.Line("/// <summary>Every option with its flag, type, default (read from a fresh instance), range, description and, for an enum, its values.</summary>");
        w.Open($"{hide}public static {List}<{Runtime}.HyperParameterInfo> Options");
        w.Open("get");
        w.Line($"{self} defaults = new {self}();");
        w.Line("return");
        w.Line("[");
        foreach (var p in spec.Properties)
        {
            string range = p.HasRange ? $"{SourceWriter.Literal(p.Minimum)}, {SourceWriter.Literal(p.Maximum)}" : "null, null";
            string values = p.Kind == ValueKind.Enum ? $", global::System.Enum.GetNames<{p.TypeName}>()" : "";
            string search = p.Search is null ? "" : $" {{ Search = {p.Search} }}";
            w.Line($"    new({SourceWriter.Quote(p.Flag)}, {SourceWriter.Quote(p.Name)}, {SourceWriter.Quote(p.DisplayType)}, {Runtime}.ValueText.Format(defaults.{Names.Identifier(p.Name)}), {range}, {SourceWriter.Quote(p.Description)}{values}){search},");
        }
        w.Line("];");
        w.Close();
        w.Close();
        w.Line();

        w.Line("/// <summary>Reads <c>--flag value</c> arguments over the defaults.</summary>");
        w.Line($"/// <exception cref=\"{Runtime.Substring(8)}.HyperParameterException\">An unknown flag or a value that does not parse.</exception>");
        w.Line($"{hide}public static {self} Parse(params string[] args) => Bind(new {self}(), args);");
        w.Line();
        w.Line("/// <summary>Reads <c>--flag value</c> arguments over <paramref name=\"start\"/>.</summary>");
        w.Open($"{hide}public static {self} Bind({self} start, {List}<string> args)");
        w.Line($"{self} result = start;");
        w.Line($"{Runtime}.ArgumentReader reader = new {Runtime}.ArgumentReader(args, s_flags);");
        EmitAssignments(w, spec, "while (reader.Next(out string flag))", "flag", p => p.Flag, "reader", "reader.Unknown()");
        w.Close();
        w.Line();

        w.Line("/// <summary>Reads the JSON that <see cref=\"ToJson\"/> writes; properties left out keep their defaults.</summary>");
        w.Line($"{hide}public static {self} FromJson(string json, string source) => BindJson(new {self}(), json, source);");
        w.Line();
        w.Line("/// <summary>Reads the JSON that <see cref=\"ToJson\"/> writes over <paramref name=\"start\"/>; properties left out keep their values there.</summary>");
        w.Open($"{hide}public static {self} BindJson({self} start, string json, string source)");
        w.Line($"{self} result = start;");
        w.Line($"using {Runtime}.JsonConfigReader reader = {Runtime}.JsonConfigReader.Open(json, source);");
        EmitAssignments(w, spec, $"foreach ({Runtime}.JsonConfigProperty property in reader.Properties())", "property.Name", p => p.JsonName, "property", "property.Unknown(s_jsonNames)");
        w.Close();
        w.Line();

        w.Line($"{hide}public static {self} Load(string path) => FromJson(global::System.IO.File.ReadAllText(path), path);");
        w.Line();
        w.Line($"{hide}public void Save(string path) => global::System.IO.File.WriteAllText(path, ToJson());");
        w.Line();

        w.Open($"{hide}public string ToJson()");
        w.Line("global::System.IO.MemoryStream buffer = new global::System.IO.MemoryStream();");
        w.Open("using (global::System.Text.Json.Utf8JsonWriter writer = new global::System.Text.Json.Utf8JsonWriter(buffer, new global::System.Text.Json.JsonWriterOptions { Indented = true }))");
        w.Line("writer.WriteStartObject();");
        foreach (var p in spec.Properties)
        {
            w.Line($"writer.{Writer(p)}({SourceWriter.Quote(p.JsonName)}, {Names.Identifier(p.Name)}{(p.Kind == ValueKind.Enum ? ".ToString()" : "")});");
        }
        w.Line("writer.WriteEndObject();");
        w.Close();
        w.Line("return global::System.Text.Encoding.UTF8.GetString(buffer.ToArray());");
        w.Close();
        w.Line();

        w.Line("/// <summary>Every value outside its declared range, each message naming the flag.</summary>");
        w.Open($"{hide}public {List}<string> ValidationErrors()");
        w.Line("global::System.Collections.Generic.List<string> errors = new global::System.Collections.Generic.List<string>();");
        foreach (var p in spec.Properties.Where(p => p.HasRange))
        {
            w.Line($"{Runtime}.RangeCheck.Require(errors, {SourceWriter.Quote(p.Flag)}, {Names.Identifier(p.Name)}, {SourceWriter.Literal(p.Minimum)}, {SourceWriter.Literal(p.Maximum)});");
        }
        w.Line("return errors;");
        w.Close();
        w.Line();
        w.Line($"/// <exception cref=\"{Runtime.Substring(8)}.HyperParameterException\">A value is outside its declared range.</exception>");
        w.Line($"{hide}public void Validate() => {Runtime}.RangeCheck.ThrowIfAny(ValidationErrors(), {SourceWriter.Quote(self)});");

        w.Close();
        w.EndType(target);
        return w.ToString();
    }

    /// <summary>A loop over named values that sets each property with <c>with</c>, and rejects unknown names.</summary>
    private static void EmitAssignments(
        SourceWriter w, HyperParametersSpec spec, string loop, string name, System.Func<HyperParameterProperty, string> key, string source, string unknown)
    {
        w.Open(loop);
        w.Open($"switch ({name})");
        foreach (var p in spec.Properties)
        {
            w.Line($"case {SourceWriter.Quote(key(p))}: result = result with {{ {Names.Identifier(p.Name)} = {source}.{Reader(p)} }}; break;");
        }
        w.Line($"default: throw {unknown};");
        w.Close();
        w.Close();
        w.Line("return result;");
    }

    private static string Reader(HyperParameterProperty p) => p.Kind switch
    {
        ValueKind.Enum => $"Enum<{p.TypeName}>()",
        _ => p.Kind + "()",
    };

    private static string Writer(HyperParameterProperty p) => p.Kind switch
    {
        ValueKind.Boolean => "WriteBoolean",
        ValueKind.String or ValueKind.Enum => "WriteString",
        _ => "WriteNumber",
    };
}
