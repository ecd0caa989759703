using System;
using System.Collections.Generic;
using System.IO;

namespace Sculpt.EndToEnd.Tests;

/// <summary>
/// The machine as a newcomer's shell sees it: a home folder of its own (so <c>~/sculpt-feed</c>,
/// <c>dotnet nuget add source</c> and <c>dotnet new install</c> touch nothing of the user's) that
/// keeps the user's package sources (a machine may reach packages only through its own mirror) and
/// shares the global packages folder (so restores do not download again).
/// </summary>
internal static class UserHome
{
    /// <summary>NuGet's global packages folder, where restored packages are extracted by id and version.</summary>
    public static string Packages =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES")
        ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    /// <summary>Makes <paramref name="home"/> and returns the environment that runs a command in it.</summary>
    public static IReadOnlyDictionary<string, string> Create(string home)
    {
        string userConfig = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "NuGet", "NuGet.Config");
        Directory.CreateDirectory(Path.Combine(home, ".nuget", "NuGet"));
        if (File.Exists(userConfig)) File.Copy(userConfig, Path.Combine(home, ".nuget", "NuGet", "NuGet.Config"), overwrite: true);
        return new Dictionary<string, string> { ["HOME"] = home, ["NUGET_PACKAGES"] = Packages };
    }

    /// <summary>Removes one version of a package from the global packages folder, so the next restore takes a fresh pack of it.</summary>
    public static void ForgetPackage(string id, string version)
    {
        string cached = Path.Combine(Packages, id.ToLowerInvariant(), version);
        if (version.Length > 0 && Directory.Exists(cached)) Directory.Delete(cached, recursive: true);
    }

    /// <summary>Sculpt's own package version, as Directory.Build.props sets it (VersionPrefix).</summary>
    public static string SculptVersion()
    {
        string props = File.ReadAllText(Sculpt.Testing.RepositoryPaths.Combine("Directory.Build.props"));
        return System.Text.RegularExpressions.Regex.Match(props, "<VersionPrefix>([^<]+)</VersionPrefix>").Groups[1].Value;
    }
}
