namespace Sculpt.Generators;

/// <summary>Metadata names of the runtime types the generator looks for.</summary>
internal static class KnownTypes
{
    public const string HyperParametersAttribute = "Sculpt.HyperParametersAttribute";
    public const string RangeAttribute = "Sculpt.RangeAttribute";
    public const string SearchRangeAttribute = "Sculpt.SearchRangeAttribute";
    public const string SearchChoiceAttribute = "Sculpt.SearchChoiceAttribute";
    public const string ModelAttribute = "Sculpt.ModelAttribute";
    public const string ForwardAttribute = "Sculpt.ForwardAttribute";
    public const string TrainerAttribute = "Sculpt.TrainerAttribute";
    public const string PreferenceHyperParameters = "Sculpt.Preference.PreferenceHyperParameters";
    public const string ShapeAttribute = "Sculpt.ShapeAttribute";
    public const string SubmodelAttribute = "Sculpt.SubmodelAttribute";
    public const string ParameterAttribute = "Sculpt.ParameterAttribute";
    public const string InitAttribute = "Sculpt.InitAttribute";
    public const string StateNameAttribute = "Sculpt.StateNameAttribute";
    public const string RenameWeightsAttribute = "Sculpt.RenameWeightsAttribute";
    public const string Ops = "Sculpt.Ops";
    public const string CsvDatasetAttribute = "Sculpt.CsvDatasetAttribute";
    public const string IdxDatasetAttribute = "Sculpt.IdxDatasetAttribute";
    public const string ImageFolderDatasetAttribute = "Sculpt.ImageFolderDatasetAttribute";
    public const string TextDatasetAttribute = "Sculpt.TextDatasetAttribute";
    public const string ImageSourceInterface = "Sculpt.Data.Images.IImageSource";
    public const string TextSourceInterface = "Sculpt.Text.ITextSource";
    public const string FeatureAttribute = "Sculpt.FeatureAttribute";
    public const string LabelAttribute = "Sculpt.LabelAttribute";
    public const string IgnoreAttribute = "Sculpt.IgnoreAttribute";
    public const string ImageAugmentationAttribute = "Sculpt.ImageAugmentationAttribute";
    public const string TokenAugmentationAttribute = "Sculpt.TokenAugmentationAttribute";
}
