using System;
using System.IO;

namespace Sculpt.Testing;

/// <summary>
/// Finds files of the repository from a running test. Walks up from the test assembly rather than
/// using [CallerFilePath]: CI builds map source paths to "/_/" (ContinuousIntegrationBuild).
/// </summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Dsl.sln"))) return folder.FullName;
        }
        throw new InvalidOperationException("Dsl.sln not found above " + AppContext.BaseDirectory);
    }
}
