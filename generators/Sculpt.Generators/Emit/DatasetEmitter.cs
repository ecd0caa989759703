using System.Linq;
using Sculpt.Generators.Model;
using Sculpt.Generators.Parsing;

namespace Sculpt.Generators.Emit;

/// <summary>
/// Writes a dataset declaration's loader: an <c>IDataSource</c> whose <c>Load</c> reads the
/// declared source, splits it and attaches the declared augmentation. For a CSV record it also
/// writes the parser: one typed call per column, no reflection.
/// </summary>
internal static class DatasetEmitter
{
    private const string Data = "global::Sculpt.Data";
    private const string Tabular = "global::Sculpt.Data.Tabular";
    private const string ImageSource = "global::Sculpt.Data.Images.IImageSource";
    private const string TextSource = "global::Sculpt.Text.ITextSource";

    /// <summary>The declared tokenizer, as both <c>Tokenization</c> and <c>TextTokenizer</c> name it.</summary>
    private static string TokenizerName(DatasetSpec spec) => spec.Tokenizer == 1 ? "Gpt2" : "Characters";

    public static string Emit(DatasetSpec spec)
    {
        var w = new SourceWriter();
        var target = spec.Target;
        w.BeginType(target);
        w.Line(SourceWriter.GeneratedCode);
        bool imageSource = spec.Kind == DatasetKind.ImageFolder || (spec.Kind == DatasetKind.Idx && spec.SampleShape.Count == 3 && spec.SampleShape[0] is 1 or 3);
        string sourceKind = spec.Kind switch
        {
            DatasetKind.Csv => $", {Tabular}.ITabularSource<{target.Type.Name}>",
            DatasetKind.Text => $", {TextSource}",
            _ => imageSource ? $", {ImageSource}" : "",
        };
        w.Open($"partial {target.Type.Keyword} {target.Type.Name} : {Data}.IFileDataSource{sourceKind}");
        w.Line($"/// <summary>One sample's shape, as the model's input signature writes it after the batch dim.</summary>");
        w.Line($"public const string SampleShape = {SourceWriter.Quote(string.Join(" ", spec.SampleShape.Select(SourceWriter.Literal)))};");
        w.Line();
        if (spec.ClassNames.Count > 0)
        {
            w.Line("/// <summary>The declared classes, in label order.</summary>");
            w.Line($"public static global::System.Collections.Generic.IReadOnlyList<string> ClassNames {{ get; }} = [{string.Join(", ", spec.ClassNames.Select(SourceWriter.Quote))}];");
            w.Line();
        }
        w.Line("/// <inheritdoc/>");
        w.Line($"string? {Data}.IFileDataSource.DataFolder {{ get; set; }}");
        w.Line();
        if (spec.Kind == DatasetKind.Csv) EmitCsvReader(w, spec);
        if (imageSource)
        {
            w.Line("/// <inheritdoc/>");
            w.Line($"global::Sculpt.Data.Images.ImageLayout {ImageSource}.Layout => new({SourceWriter.Literal(spec.SampleShape[0])}, {SourceWriter.Literal(spec.SampleShape[1])}, {SourceWriter.Literal(spec.SampleShape[2])});");
            w.Line();
        }
        if (spec.Kind == DatasetKind.Text)
        {
            w.Line("/// <inheritdoc/>");
            w.Line($"global::Sculpt.Text.TextTokenizer {TextSource}.Tokenizer => global::Sculpt.Text.TextTokenizer.{TokenizerName(spec)};");
            w.Line();
            w.Line("/// <inheritdoc/>");
            w.Line($"int {TextSource}.Context => {SourceWriter.Literal(spec.SampleShape[0])};");
            w.Line();
        }

        w.Line("/// <inheritdoc/>");
        w.Open($"public {Data}.DataSplits Load(int seed)");
        w.Line($"string? folder = (({Data}.IFileDataSource)this).DataFolder;");
        string common = $"validation: {SourceWriter.Literal(spec.Validation)}, test: {SourceWriter.Literal(spec.Test)}, seed";
        string flags = $"stratify: {Bool(spec.Stratify)}, normalize: {Bool(spec.Normalize)}, onBadRecord: global::Sculpt.BadRecords.{(spec.OnBadRecord == 1 ? "Skip" : "Error")}";
        switch (spec.Kind)
        {
            case DatasetKind.Csv:
                string testFile = spec.TestPath is null ? "" : $", testFile: ReadCsv({Resolve(spec.TestPath)})";
                w.Line($"{Data}.DataSplits splits = ReadCsv({Resolve(spec.Path)}).Split({common}, stratify: {Bool(spec.Stratify)}, normalize: {Bool(spec.Normalize)}{testFile});");
                break;
            case DatasetKind.Idx:
                w.Line($"{Data}.DataSplits splits = {Data}.DatasetLoader.Idx(");
                w.Line($"    {Resolve(spec.Path)}, {Resolve(spec.LabelsPath)},");
                w.Line($"    {(spec.TestPath is null ? "null" : Resolve(spec.TestPath))}, {(spec.TestLabelsPath is null ? "null" : Resolve(spec.TestLabelsPath))},");
                w.Line($"    shape: [{string.Join(", ", spec.SampleShape.Select(SourceWriter.Literal))}], classes: {spec.Classes},");
                w.Line($"    {common}, {flags});");
                break;
            case DatasetKind.ImageFolder:
                string names = spec.ClassNames.Count > 0 ? "[.. ClassNames]" : "null";
                w.Line($"{Data}.DataSplits splits = {Data}.DatasetLoader.ImageFolder(");
                w.Line($"    {Resolve(spec.Path)}, width: {spec.SampleShape[2]}, height: {spec.SampleShape[1]}, channels: {spec.SampleShape[0]}, classNames: {names},");
                w.Line($"    {common}, {flags});");
                break;
            default:
                w.Line($"{Data}.DataSplits splits = {Data}.DatasetLoader.Text(");
                w.Line($"    {Resolve(spec.Path)}, global::Sculpt.Tokenization.{TokenizerName(spec)}, context: {spec.SampleShape[0]},");
                w.Line($"    cacheFolder: {SourceWriter.Quote(spec.CacheFolder)}, validation: {SourceWriter.Literal(spec.Validation)}, test: {SourceWriter.Literal(spec.Test)});");
                break;
        }
        var settings = new System.Collections.Generic.List<string>();
        if (spec.ImageAugmentation is { } image)
        {
            settings.Add($"Augmentation = new {Data}.ImageAugmentation(CropPadding: {image.CropPadding}, FlipHorizontal: {Bool(image.FlipHorizontal)}, FlipVertical: {Bool(image.FlipVertical)}, Rotation: {SourceWriter.Literal(image.Rotation)}, Translate: {SourceWriter.Literal(image.Translate)})");
        }
        if (spec.TokenAugmentation is { } token)
        {
            settings.Add($"Augmentation = new {Data}.TokenAugmentation(MaskProbability: {SourceWriter.Literal(token.MaskProbability)}, MaskToken: {SourceWriter.Literal(token.MaskToken)}, SpanLength: {token.SpanLength})");
        }
        if (spec.LastBatch is 1 or 2) settings.Add($"LastBatch = global::Sculpt.LastBatch.{(spec.LastBatch == 1 ? "Drop" : "Pad")}");
        w.Line(settings.Count == 0 ? "return splits;" : $"return splits with {{ {string.Join(", ", settings)} }};");
        w.Close();
        w.Close();
        w.EndType(target);
        return w.ToString();
    }

    private static void EmitCsvReader(SourceWriter w, DatasetSpec spec)
    {
        string labelKind = spec.Label switch
        {
            DatasetLabel.ClassIndex => "ClassIndex",
            DatasetLabel.Boolean => "Boolean",
            DatasetLabel.Regression => "Regression",
            _ => "ClassName",
        };
        string targets = spec.Label == DatasetLabel.Regression ? $"regression targets [N, {spec.Targets.Count}]" : "class indices [N]";
        int width = spec.Features.Sum(f => f.Width);
        var slotNames = spec.Features.SelectMany(f => f.IsVector
            ? new[] { $".. {Tabular}.TableSchema.VectorNames({SourceWriter.Quote(f.Property)}, {f.Count})" }
            : (f.Categories.Count > 0 ? f.Categories.Select(c => f.Property + "=" + c) : new[] { f.Property }).Select(SourceWriter.Quote));
        string kinds = spec.Features.Any(f => f.IsVector) ? "a categorical column: one per category; a vector: one per column" : "a categorical column: one per category";
        w.Line($"/// <summary>What each of the {width} entries of a feature vector is, in order ({kinds}).</summary>");
        w.Line($"public static global::System.Collections.Generic.IReadOnlyList<string> FeatureNames {{ get; }} = [{string.Join(", ", slotNames)}];");
        w.Line();
        w.Line($"static global::System.Collections.Generic.IReadOnlyList<string> {Tabular}.ITabularSource.TargetNames {{ get; }} = [{string.Join(", ", spec.Targets.Select(t => SourceWriter.Quote(t.Property)))}];");
        w.Line();
        w.Line($"static bool {Tabular}.ITabularSource.Regression => {Bool(spec.Label == DatasetLabel.Regression)};");
        w.Line();
        var shapedFeature = spec.Features.FirstOrDefault(f => f.Shape.Count > 0);
        w.Line($"static long[]? {Tabular}.ITabularSource.FeatureShape => {(shapedFeature is null ? "null" : $"[{string.Join(", ", shapedFeature.Shape.Select(SourceWriter.Literal))}]")};");
        w.Line();
        foreach (var categorical in spec.Features.Where(f => f.Categories.Count > 0))
        {
            w.Line($"private static readonly {Tabular}.CategoryMap CategoriesOf{categorical.Property} = new([{string.Join(", ", categorical.Categories.Select(SourceWriter.Quote))}]);");
            w.Line();
        }
        string missing = spec.Missing switch { 1 => "SkipRow", 2 => "Fill", 3 => "FillMean", _ => "Error" };
        w.Line("/// <summary>The declared missing-value and bad-record policies.</summary>");
        w.Line($"private static readonly {Tabular}.TableOptions ReadOptions = new(global::Sculpt.MissingValues.{missing}, {SourceWriter.Literal(spec.Fill)}, global::Sculpt.BadRecords.{(spec.OnBadRecord == 1 ? "Skip" : "Error")});");
        w.Line();
        EmitWriteFeatures(w, spec);
        const string options = "ReadOptions";
        string classNames = spec.ClassNames.Count > 0 ? "[.. ClassNames]" : "null";
        int classes = spec.Label == DatasetLabel.ClassIndex ? spec.Classes : 0;
        var shaped = spec.Features.FirstOrDefault(f => f.Shape.Count > 0);
        string featureShape = shaped is null ? $"[N, {width}]" : $"[N, {string.Join(", ", shaped.Shape.Select(SourceWriter.Literal))}]";
        w.Line($"/// <summary>Reads a {(spec.Delimiter == '\t' ? "TSV" : "CSV")} file into features {featureShape} and {targets}; errors name the file and line.</summary>");
        w.Line("/// <param name=\"path\">The file.</param>");
        w.Line("/// <param name=\"workers\">Threads for a large file (default: one per core).</param>");
        w.Line("/// <param name=\"labelled\">False for new data: features only, the label columns neither needed nor read.</param>");
        w.Open($"public static {Tabular}.TabularData ReadCsv(string path, int? workers = null, bool labelled = true)");
        string sampleShape = shaped is null ? "" : $"SampleShape = [{string.Join(", ", shaped.Shape.Select(SourceWriter.Literal))}], ";
        w.Line($"{Tabular}.TableSchema schema = new {Tabular}.TableSchema([.. FeatureNames], {Tabular}.LabelKind.{labelKind}, TargetCount: {spec.Targets.Count}, {options}, {classNames}, Classes: {classes}) {{ {sampleShape}Unlabelled = !labelled }};");
        w.Line($"return {Tabular}.TableReader.Read(path, {CharLiteral(spec.Delimiter)}, header: {Bool(spec.Header)}, schema, ReadRows, workers);");
        w.Close();
        w.Line();
        w.Line("/// <summary>Binds the columns, then reads every record of <paramref name=\"reader\"/> (the whole file or one piece of it) into <paramref name=\"table\"/>.</summary>");
        w.Open($"private static void ReadRows({Tabular}.CsvRecordReader reader, {Tabular}.TableBuilder table)");
        foreach (var column in spec.Features.Concat(spec.Targets))
        {
            string property = SourceWriter.Quote(column.Property);
            // Targets are single columns; a table read for prediction may lack them.
            string single = spec.Targets.Contains(column) ? "TargetColumn" : "Column";
            w.Line(column.Selection switch
            {
                ColumnSelection.Range => $"int[] {Local(column)} = table.ColumnRange({property}, {SourceWriter.Quote(column.Column)});",
                ColumnSelection.Pattern => $"int[] {Local(column)} = table.ColumnPattern({property}, {SourceWriter.Quote(column.Column)}, {column.Count});",
                ColumnSelection.Positions => $"int[] {Local(column)} = table.ColumnPositions({property}, {column.Index}, {column.Count});",
                _ => $"int {Local(column)} = table.{single}({SourceWriter.Quote(column.Column)}, {column.Index});",
            });
        }
        w.Open("while (reader.Read())");
        w.Line("if (!table.BeginRecord()) continue;");
        int slot = 0;
        foreach (var feature in spec.Features)
        {
            w.Line(feature.IsVector ? $"table.{(feature.IsBoolean ? "Booleans" : "Numbers")}({slot}, {Local(feature)});"
                : feature.Categories.Count > 0 ? $"table.Category({slot}, {Local(feature)}, CategoriesOf{feature.Property});"
                : $"table.{(feature.IsBoolean ? "Boolean" : "Number")}({slot}, {Local(feature)});");
            slot += feature.Width;
        }
        for (int i = 0; i < spec.Targets.Count; i++)
        {
            w.Line(spec.Label == DatasetLabel.Regression ? $"table.Target({i}, {Local(spec.Targets[i])});" : $"table.Label({Local(spec.Targets[i])});");
        }
        w.Line("table.EndRecord();");
        w.Close();
        w.Close();
        w.Line();
    }

    /// <summary><c>WriteFeatures</c>: a record instance's features, one <c>RecordFeatures</c> call per property, in slot order as <c>ReadRows</c> writes them.</summary>
    private static void EmitWriteFeatures(SourceWriter w, DatasetSpec spec)
    {
        string name = spec.Target.Type.Name;
        w.Line($"/// <summary>Writes <paramref name=\"record\"/>'s features into <paramref name=\"features\"/>, as its row in a file would be read (for prediction on records built in code).</summary>");
        w.Open($"public static void WriteFeatures({name} record, global::System.Span<float> features)");
        w.Line($"var row = new {Tabular}.RecordFeatures(features, ReadOptions, {SourceWriter.Quote(name)});");
        int slot = 0;
        foreach (var feature in spec.Features)
        {
            string property = SourceWriter.Quote(feature.Property), value = "record." + Names.Identifier(feature.Property);
            w.Line(feature.IsVector ? (feature.IsBoolean ? $"row.Booleans({slot}, {property}, {value}, {feature.Count});" : $"row.Numbers({slot}, {property}, {value}, {feature.Count});")
                : feature.Categories.Count > 0 ? $"row.Category({slot}, {property}, {value}, CategoriesOf{feature.Property});"
                : feature.IsBoolean ? $"row.Boolean({slot}, {value});"
                : $"row.Number({slot}, {property}, {value});");
            slot += feature.Width;
        }
        w.Close();
        w.Line();
    }

    private static string Local(DatasetColumn column) => (column.IsVector ? "columns" : "column") + column.Property;

    private static string Resolve(string path) => $"{Data}.DatasetLoader.Resolve({SourceWriter.Quote(path)}, folder)";

    private static string Bool(bool value) => value ? "true" : "false";

    private static string CharLiteral(char c) => c switch
    {
        '\t' => "'\\t'",
        '\'' => "'\\''",
        '\\' => "'\\\\'",
        _ => $"'{c}'",
    };
}
