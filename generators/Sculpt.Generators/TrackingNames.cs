namespace Sculpt.Generators;

/// <summary>Names of the generator's pipeline steps, for caching tests.</summary>
internal static class TrackingNames
{
    public const string HyperParameters = nameof(HyperParameters);
    public const string Models = nameof(Models);
    public const string Trainers = nameof(Trainers);
    public const string Datasets = nameof(Datasets);
}
