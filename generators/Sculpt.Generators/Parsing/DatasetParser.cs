using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Sculpt.Generators.Model;
using Sculpt.Generators.Shapes;

namespace Sculpt.Generators.Parsing;

/// <summary>
/// A reason a dataset declaration cannot be loaded as written, and where to show it (analyzer
/// only): a setting (SCULPT0015), the columns of <see cref="Property"/> (SCULPT0016), or the
/// declaration's structure (SCULPT0009).
/// </summary>
internal sealed record DatasetProblem(string Message, Location? Location, bool IsSetting = false, string? Property = null);

/// <summary>
/// Turns a <c>[CsvDataset]</c>, <c>[IdxDataset]</c>, <c>[ImageFolderDataset]</c> or
/// <c>[TextDataset]</c> type into a <see cref="DatasetSpec"/>. The generator skips a declaration
/// with problems; the analyzer reports them (SCULPT0009 for structure, SCULPT0015 for settings,
/// SCULPT0016 for the columns a property reads).
/// </summary>
internal static class DatasetParser
{
    /// <summary>The vocabulary sizes of <c>Tokenization.Characters</c> and <c>Tokenization.Gpt2</c>, for the model contract.</summary>
    public static readonly int[] VocabularySizes = [97, 50257];

    public static readonly string[] Attributes =
    [
        KnownTypes.CsvDatasetAttribute, KnownTypes.IdxDatasetAttribute, KnownTypes.ImageFolderDatasetAttribute, KnownTypes.TextDatasetAttribute,
    ];

    public static DatasetSpec? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellation)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type || context.Attributes.Length == 0) return null;
        string? name = context.Attributes[0].AttributeClass?.ToDisplayString();
        if (name is null || !DeclarationRules.IsFirstAttributedDeclaration(context, name)) return null;
        // A type with two source attributes gets code from the first only (the analyzer reports the second).
        if (DatasetAttributeOf(type) is not { } first || first.AttributeClass?.ToDisplayString() != name) return null;
        cancellation.ThrowIfCancellationRequested();
        var problems = new List<DatasetProblem>();
        var spec = Describe(type, first, problems, cancellation);
        return problems.Count == 0 ? spec : null;
    }

    /// <summary>The type's first dataset source attribute, or null.</summary>
    public static AttributeData? DatasetAttributeOf(INamedTypeSymbol type) =>
        type.GetAttributes().FirstOrDefault(a => Attributes.Contains(a.AttributeClass?.ToDisplayString()));

    /// <summary>The declaration as a spec, adding what is wrong with it to <paramref name="problems"/>.</summary>
    public static DatasetSpec? Describe(INamedTypeSymbol type, AttributeData attribute, List<DatasetProblem> problems, CancellationToken cancellation = default)
    {
        var at = attribute.ApplicationSyntaxReference?.GetSyntax(cancellation).GetLocation();
        string attributeName = attribute.AttributeClass?.Name.Replace("Attribute", "") ?? "Dataset";
        if (type.TypeKind != TypeKind.Class || type.IsGenericType || type.IsAbstract)
        {
            problems.Add(new($"[{attributeName}] goes on a non-generic, non-abstract class or record; '{type.Name}' is not one", type.Locations.FirstOrDefault()));
            return null;
        }
        if (!TypeTargetParser.IsPartialAllTheWay(type))
        {
            problems.Add(new($"'{type.Name}' and the types around it must be partial", type.Locations.FirstOrDefault()));
            return null;
        }
        if (!type.InstanceConstructors.Any(c => c.Parameters.Length == 0 && c.DeclaredAccessibility == Accessibility.Public))
        {
            problems.Add(new($"'{type.Name}' needs a public parameterless constructor: a trainer creates its data source with new()", type.Locations.FirstOrDefault()));
        }
        var extra = type.GetAttributes().Where(a => Attributes.Contains(a.AttributeClass?.ToDisplayString())).Skip(1).FirstOrDefault();
        if (extra is not null)
        {
            problems.Add(new($"'{type.Name}' declares more than one data source; a dataset has one", extra.ApplicationSyntaxReference?.GetSyntax(cancellation).GetLocation()));
        }

        var arguments = new Arguments(attribute);
        void Setting(bool valid, string message, string? key)
        {
            if (!valid) problems.Add(new(message, ArgumentLocation(attribute, key, cancellation) ?? at, IsSetting: true));
        }

        string First() => attribute.ConstructorArguments.FirstOrDefault().Value as string ?? "";
        var kind = attribute.AttributeClass?.ToDisplayString() switch
        {
            KnownTypes.CsvDatasetAttribute => DatasetKind.Csv,
            KnownTypes.IdxDatasetAttribute => DatasetKind.Idx,
            KnownTypes.ImageFolderDatasetAttribute => DatasetKind.ImageFolder,
            _ => DatasetKind.Text,
        };
        double validation = arguments.Get("Validation", 0.1), test = arguments.Get("Test", 0.0);
        Setting(validation is > 0 and < 1, Invariant($"Validation must be in (0, 1); got {validation}"), "Validation");
        Setting(validation is <= 0 or >= 1 || test is >= 0 and < 1 && validation + test < 1, Invariant($"Test must be in [0, 1) and leave rows for training with Validation; got Test {test}, Validation {validation}"), "Test");
        Setting(First().Length > 0, "the source path must not be empty", null);
        var spec = new DatasetSpec(TypeTargetParser.Parse(type), kind)
        {
            Path = First(),
            Validation = validation,
            Test = test,
            Stratify = arguments.Get("Stratify", true),
            OnBadRecord = arguments.Get("OnBadRecord", 0),
            LastBatch = arguments.Get("LastBatch", 0),
            Normalize = arguments.Get("Normalize", true),
        };

        spec = kind switch
        {
            DatasetKind.Csv => Csv(type, spec, arguments, Setting, problems, cancellation),
            DatasetKind.Idx => Idx(attribute, spec, arguments, Setting),
            DatasetKind.ImageFolder => ImageFolder(spec, arguments, Setting),
            _ => Text(spec, arguments, Setting),
        };
        return Augmentations(type, spec, problems, cancellation);
    }

    /// <summary>An attribute's named arguments by name; an array argument reads as its <see cref="TypedConstant"/> values.</summary>
    private sealed class Arguments(AttributeData attribute)
    {
        private readonly Dictionary<string, object?> _named = attribute.NamedArguments
            .GroupBy(a => a.Key)
            .ToDictionary(g => g.Key, g => g.Last().Value.Kind == TypedConstantKind.Array ? g.Last().Value.Values : g.Last().Value.Value);

        public T Get<T>(string key, T fallback) => _named.TryGetValue(key, out var value) && value is T typed ? typed : fallback;
    }

    private static DatasetSpec Csv(INamedTypeSymbol type, DatasetSpec spec, Arguments get, System.Action<bool, string, string?> setting, List<DatasetProblem> problems, CancellationToken cancellation)
    {
        char delimiter = get.Get("Delimiter", ',');
        setting(delimiter is not ('"' or '\n' or '\r') && delimiter < 128, $"Delimiter must be an ASCII character other than a quote or a line end; got '{delimiter}'", "Delimiter");
        bool header = get.Get("Header", true);
        string? testFile = get.Get<string?>("TestFile", null);
        setting(testFile is null || spec.Test == 0, "TestFile and Test both name a test split: keep one", "TestFile");
        var features = new List<DatasetColumn>();
        var targets = new List<DatasetColumn>();
        DatasetLabel? label = null;
        string[] classNames = [];
        int classes = 0;
        int order = 0, declared = 0;
        bool labelDeclared = false;
        var context = new DatasetContext(type.Name, header, problems, cancellation);
        var claims = new List<FeatureColumns.Claim>();
        foreach (var property in type.GetMembers().OfType<IPropertySymbol>())
        {
            if (property.IsStatic || property.IsIndexer || property.DeclaredAccessibility != Accessibility.Public || property.GetMethod is null) continue;
            var attributes = property.GetAttributes();
            if (attributes.Any(a => a.AttributeClass?.ToDisplayString() == KnownTypes.IgnoreAttribute)) continue;
            var labelAttribute = attributes.FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == KnownTypes.LabelAttribute);
            var featureAttribute = attributes.FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == KnownTypes.FeatureAttribute);
            var binding = labelAttribute ?? featureAttribute;
            var typeLocation = property.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellation) is PropertyDeclarationSyntax declaration
                ? declaration.Type.GetLocation()
                : property.Locations.FirstOrDefault();
            declared++;
            labelDeclared |= labelAttribute is not null;
            if (property.Type is IArrayTypeSymbol array)
            {
                var vector = FeatureColumns.Vector(context, property, array, featureAttribute, labelAttribute, order, typeLocation);
                order += vector is { Selection: ColumnSelection.Positions } ? vector.Count : 1;
                if (vector is null) continue;
                features.Add(vector);
                string selectedBy = vector.Selection switch { ColumnSelection.Range => "Columns", ColumnSelection.Pattern => "ColumnPattern", _ => "Index" };
                claims.Add(new(vector, FeatureColumns.Where(featureAttribute, selectedBy, typeLocation, cancellation)));
                continue;
            }
            FeatureColumns.NotVector(context, property, featureAttribute);
            bool columnWritten = binding?.NamedArguments.Any(a => a.Key == "Column") == true;
            string column = binding?.NamedArguments.FirstOrDefault(a => a.Key == "Column").Value.Value as string ?? property.Name;
            bool indexWritten = binding?.NamedArguments.FirstOrDefault(a => a.Key == "Index").Value.Value is int i && i >= 0;
            int index = indexWritten ? (int)binding!.NamedArguments.First(a => a.Key == "Index").Value.Value! : order;
            order++;
            var claimed = new DatasetColumn(property.Name, column, index, false);
            claims.Add(new(claimed, FeatureColumns.Where(binding, header ? (columnWritten ? "Column" : null) : (indexWritten ? "Index" : null), typeLocation, cancellation)));
            var special = property.Type.SpecialType;
            if (labelAttribute is null)
            {
                string[] categories = featureAttribute?.NamedArguments.FirstOrDefault(a => a.Key == "Categories").Value is { Kind: TypedConstantKind.Array, IsNull: false } declaredCategories
                    ? declaredCategories.Values.Select(v => v.Value as string ?? "").ToArray()
                    : [];
                if (special == SpecialType.System_String && categories.Length > 0)
                {
                    if (categories.Distinct().Count() != categories.Length || categories.Any(c => c.Length == 0))
                    {
                        problems.Add(new($"the Categories of '{property.Name}' must be distinct and not empty", typeLocation));
                        continue;
                    }
                    features.Add(new DatasetColumn(property.Name, column, index, false) { Categories = categories.ToEquatableArray() });
                    continue;
                }
                if (!IsNumber(special) && special != SpecialType.System_Boolean)
                {
                    string hint = special == SpecialType.System_String ? "; a string column becomes one-hot features with [Feature(Categories = [...])]" : "";
                    problems.Add(new($"feature '{property.Name}' has type {property.Type.ToDisplayString()}; a feature is a number or a bool (mark other columns [Ignore], or the predicted one [Label]){hint}", typeLocation));
                    continue;
                }
                if (categories.Length > 0) problems.Add(new($"Categories one-hot encode a string column; '{property.Name}' is {property.Type.ToDisplayString()}", typeLocation));
                features.Add(new DatasetColumn(property.Name, column, index, special == SpecialType.System_Boolean));
                continue;
            }
            var kind = special switch
            {
                SpecialType.System_String => DatasetLabel.ClassName,
                SpecialType.System_Boolean => DatasetLabel.Boolean,
                SpecialType.System_Single or SpecialType.System_Double => DatasetLabel.Regression,
                _ when IsNumber(special) => DatasetLabel.ClassIndex,
                _ => (DatasetLabel?)null,
            };
            if (kind is null)
            {
                problems.Add(new($"label '{property.Name}' has type {property.Type.ToDisplayString()}; a label is a string, integer or bool (classes) or a float or double (regression)", typeLocation));
                continue;
            }
            if (label is { } previous && (previous != DatasetLabel.Regression || kind != DatasetLabel.Regression))
            {
                problems.Add(new($"'{property.Name}' is a second label; a dataset has one class label, or any number of float/double regression targets", property.Locations.FirstOrDefault()));
                continue;
            }
            label = kind;
            targets.Add(new DatasetColumn(property.Name, column, index, kind == DatasetLabel.Boolean));
            if (labelAttribute.NamedArguments.FirstOrDefault(a => a.Key == "ClassNames").Value is { Kind: TypedConstantKind.Array, IsNull: false } names)
            {
                classNames = names.Values.Select(v => v.Value as string ?? "").ToArray();
                if (kind != DatasetLabel.ClassName) problems.Add(new($"ClassNames name the classes of a string label; '{property.Name}' is {property.Type.ToDisplayString()}", typeLocation));
                else if (classNames.Length == 0 || classNames.Distinct().Count() != classNames.Length) problems.Add(new($"the ClassNames of '{property.Name}' must be distinct and not empty", typeLocation));
            }
            if (labelAttribute.NamedArguments.FirstOrDefault(a => a.Key == "Classes").Value.Value is int count && count != 0)
            {
                classes = count;
                if (kind != DatasetLabel.ClassIndex) problems.Add(new($"Classes counts the classes of an integer label; '{property.Name}' is {property.Type.ToDisplayString()}", typeLocation));
                else if (count < 2) problems.Add(new($"Classes of '{property.Name}' must be 2 or more; got {count}", typeLocation));
            }
        }
        FeatureColumns.Overlaps(context, claims);
        var shaped = features.FirstOrDefault(f => f.Shape.Count > 0);
        if (shaped is not null && features.Count > 1)
        {
            var others = string.Join(", ", features.Where(f => f != shaped).Select(f => $"'{f.Property}'"));
            var shapeAttribute = type.GetMembers(shaped.Property).FirstOrDefault()?.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == KnownTypes.FeatureAttribute);
            context.Column(shaped.Property, $"a Shape makes '{shaped.Property}' the whole sample, [{string.Join(", ", shaped.Shape)}], but '{type.Name}' has other features too ({others}): mark them [Ignore], or drop the Shape for samples [{features.Sum(f => f.Width)}]", shapeAttribute, "Shape", null);
        }
        if (features.Count == 0 && declared == targets.Count) problems.Add(new($"'{type.Name}' has no feature columns: declare public number or bool properties", type.Locations.FirstOrDefault()));
        if (label is null && !labelDeclared) problems.Add(new($"'{type.Name}' has no [Label] property: mark the column the model predicts", type.Locations.FirstOrDefault()));
        var labelKind = label ?? DatasetLabel.ClassName;
        return spec with
        {
            Delimiter = delimiter,
            Header = header,
            TestPath = testFile,
            Missing = get.Get("Missing", 0),
            Fill = get.Get("Fill", 0.0),
            Features = features.ToEquatableArray(),
            Targets = targets.ToEquatableArray(),
            Label = labelKind,
            ClassNames = classNames.ToEquatableArray(),
            Classes = labelKind switch
            {
                DatasetLabel.Regression => targets.Count,
                DatasetLabel.Boolean => 2,
                DatasetLabel.ClassName => classNames.Length,
                _ => classes,
            },
            SampleShape = shaped is not null && features.Count == 1 ? shaped.Shape : new[] { (long)features.Sum(f => f.Width) }.ToEquatableArray(),
            Stratify = spec.Stratify && labelKind != DatasetLabel.Regression,
        };
    }

    /// <summary>
    /// Whether an IDX <c>Shape</c> is an image an image file can be read as: <c>"H W"</c> (grey), or <c>"C H W"</c>
    /// with 1 (grey) or 3 (RGB) channels.
    /// </summary>
    public static bool IsImageShape(string shape)
    {
        var dims = shape.Split([' '], System.StringSplitOptions.RemoveEmptyEntries)
            .Select(d => long.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out long v) && v > 0 ? v : -1).ToArray();
        if (dims.Any(d => d < 0)) return false;
        // As Idx below makes the sample shape, which the emitter reads for the same question.
        return dims.Length == 2 || (dims.Length == 3 && dims[0] is 1 or 3);
    }

    private static DatasetSpec Idx(AttributeData attribute, DatasetSpec spec, Arguments get, System.Action<bool, string, string?> setting)
    {
        string labels = attribute.ConstructorArguments.Length > 1 ? attribute.ConstructorArguments[1].Value as string ?? "" : "";
        string shapeText = get.Get("Shape", "");
        var dims = shapeText.Split([' '], System.StringSplitOptions.RemoveEmptyEntries);
        var sample = dims.Select(d => long.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out long v) && v > 0 ? v : -1).ToArray();
        setting(sample.Length is 2 or 3 && sample.All(d => d > 0), $"Shape must be one image's dims, \"C H W\" or \"H W\" in positive integers (e.g. \"1 28 28\"); got \"{shapeText}\"", "Shape");
        int classes = get.Get("Classes", 0);
        setting(classes >= 2, $"Classes must be 2 or more; got {classes}", "Classes");
        string? testImages = get.Get<string?>("TestImages", null), testLabels = get.Get<string?>("TestLabels", null);
        setting((testImages is null) == (testLabels is null), "TestImages and TestLabels go together: set both or neither", testImages is null ? "TestLabels" : "TestImages");
        setting(labels.Length > 0, "the labels path must not be empty", null);
        return spec with
        {
            LabelsPath = labels,
            TestPath = testImages,
            TestLabelsPath = testLabels,
            SampleShape = (sample.Length == 2 ? new[] { 1L }.Concat(sample) : sample).ToEquatableArray(),
            Label = DatasetLabel.ClassIndex,
            Classes = classes,
        };
    }

    private static DatasetSpec ImageFolder(DatasetSpec spec, Arguments get, System.Action<bool, string, string?> setting)
    {
        int width = get.Get("Width", 0), height = get.Get("Height", 0), channels = get.Get("Channels", 3);
        setting(width > 0 && height > 0, $"Width and Height must be positive: every image is resized to them; got {width}x{height}", width <= 0 ? "Width" : "Height");
        setting(channels is 1 or 3, $"Channels must be 1 (grey) or 3 (RGB); got {channels}", "Channels");
        var names = get.Get<object?>("ClassNames", null) is System.Collections.Immutable.ImmutableArray<TypedConstant> values
            ? values.Select(v => v.Value as string ?? "").ToArray()
            : [];
        return spec with
        {
            SampleShape = new long[] { channels, height, width }.ToEquatableArray(),
            Label = DatasetLabel.ClassName,
            ClassNames = names.ToEquatableArray(),
            Classes = names.Length,
        };
    }

    private static DatasetSpec Text(DatasetSpec spec, Arguments get, System.Action<bool, string, string?> setting)
    {
        int context = get.Get("Context", 64), tokenizer = get.Get("Tokenizer", 0);
        setting(context > 0, $"Context must be positive; got {context}", "Context");
        return spec with
        {
            Tokenizer = tokenizer,
            CacheFolder = get.Get("CacheFolder", "token-cache"),
            SampleShape = new long[] { context }.ToEquatableArray(),
            Label = DatasetLabel.NextToken,
            Classes = tokenizer >= 0 && tokenizer < VocabularySizes.Length ? VocabularySizes[tokenizer] : 0,
            Stratify = false,
        };
    }

    private static DatasetSpec Augmentations(INamedTypeSymbol type, DatasetSpec spec, List<DatasetProblem> problems, CancellationToken cancellation)
    {
        foreach (var attribute in type.GetAttributes())
        {
            string? name = attribute.AttributeClass?.ToDisplayString();
            if (name is not (KnownTypes.ImageAugmentationAttribute or KnownTypes.TokenAugmentationAttribute)) continue;
            var at = attribute.ApplicationSyntaxReference?.GetSyntax(cancellation).GetLocation();
            var arguments = new Arguments(attribute);
            T Get<T>(string key, T fallback) => arguments.Get(key, fallback);
            if (name == KnownTypes.ImageAugmentationAttribute)
            {
                if (spec.Kind is not (DatasetKind.Idx or DatasetKind.ImageFolder))
                {
                    problems.Add(new($"[ImageAugmentation] changes images; '{type.Name}' is a {spec.Kind} dataset", at, IsSetting: true));
                    continue;
                }
                var image = new ImageAugmentationSpec(Get("CropPadding", 0), Get("FlipHorizontal", false), Get("FlipVertical", false), Get("Rotation", 0.0), Get("Translate", 0.0));
                if (image.CropPadding < 0) problems.Add(new($"CropPadding must be 0 or more; got {image.CropPadding}", ArgumentLocation(attribute, "CropPadding", cancellation) ?? at, IsSetting: true));
                if (image.Rotation is < 0 or > 180) problems.Add(new(Invariant($"Rotation must be in [0, 180] degrees; got {image.Rotation}"), ArgumentLocation(attribute, "Rotation", cancellation) ?? at, IsSetting: true));
                if (image.Translate is < 0 or > 0.5) problems.Add(new(Invariant($"Translate must be in [0, 0.5] of the image; got {image.Translate}"), ArgumentLocation(attribute, "Translate", cancellation) ?? at, IsSetting: true));
                spec = spec with { ImageAugmentation = image };
            }
            else
            {
                if (spec.Kind != DatasetKind.Text)
                {
                    problems.Add(new($"[TokenAugmentation] changes tokens; '{type.Name}' is a {spec.Kind} dataset", at, IsSetting: true));
                    continue;
                }
                var token = new TokenAugmentationSpec(Get("MaskProbability", 0.0), Get("SpanLength", 1), Get("MaskToken", 0L));
                if (token.MaskProbability is < 0 or >= 1) problems.Add(new(Invariant($"MaskProbability must be in [0, 1); got {token.MaskProbability}"), ArgumentLocation(attribute, "MaskProbability", cancellation) ?? at, IsSetting: true));
                if (token.SpanLength < 1) problems.Add(new($"SpanLength must be 1 or more; got {token.SpanLength}", ArgumentLocation(attribute, "SpanLength", cancellation) ?? at, IsSetting: true));
                if (spec.Classes > 0 && (token.MaskToken < 0 || token.MaskToken >= spec.Classes)) problems.Add(new($"MaskToken must be a token id below the vocabulary's {spec.Classes}; got {token.MaskToken}", ArgumentLocation(attribute, "MaskToken", cancellation) ?? at, IsSetting: true));
                spec = spec with { TokenAugmentation = token };
            }
        }
        return spec;
    }

    /// <summary>Where a named argument is written (the whole <c>Name = value</c>), or null when it is not written.</summary>
    private static Location? ArgumentLocation(AttributeData attribute, string? key, CancellationToken cancellation)
    {
        if (key is null || attribute.ApplicationSyntaxReference?.GetSyntax(cancellation) is not AttributeSyntax { ArgumentList: { } list }) return null;
        return list.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == key)?.GetLocation();
    }

    internal static bool IsNumber(SpecialType type) => type is SpecialType.System_Single or SpecialType.System_Double or SpecialType.System_Int32
        or SpecialType.System_Int64 or SpecialType.System_Int16 or SpecialType.System_Byte or SpecialType.System_SByte
        or SpecialType.System_UInt16 or SpecialType.System_UInt32 or SpecialType.System_Decimal;

    private static string Invariant(System.FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
