using System;
using System.IO;
using System.Text;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;
using Sculpt.Testing;
using Xunit.Sdk;

namespace Sculpt.Generators.Tests;

/// <summary>
/// Compares text with a committed <c>Snapshots/NAME.verified.cs</c>. On a mismatch it writes
/// <c>NAME.received.cs</c> beside it and fails with a line diff; set SCULPT_ACCEPT_SNAPSHOTS=1 to
/// rewrite the verified files on purpose.
/// </summary>
internal static class Snapshot
{
    public const string AcceptVariable = "SCULPT_ACCEPT_SNAPSHOTS";

    public static void Verify(string actual, string name)
    {
        string folder = RepositoryPaths.Combine("tests", "Sculpt.Generators.Tests", "Snapshots");
        string verified = Path.Combine(folder, name + ".verified.cs");
        string received = Path.Combine(folder, name + ".received.cs");
        actual = Normalize(actual);

        if (Environment.GetEnvironmentVariable(AcceptVariable) == "1")
        {
            Directory.CreateDirectory(folder);
            File.WriteAllText(verified, actual);
            File.Delete(received);
            return;
        }
        string expected = File.Exists(verified) ? Normalize(File.ReadAllText(verified)) : "";
        if (expected == actual)
        {
            File.Delete(received);
            return;
        }
        File.WriteAllText(received, actual);
        string reason = File.Exists(verified) ? "differs from" : "has no";
        throw new XunitException($"Generated code for '{name}' {reason} {verified}.\n{Diff(expected, actual)}\nReview {received}; run with {AcceptVariable}=1 to accept it.");
    }

    public static string Diff(string expected, string actual)
    {
        var diff = InlineDiffBuilder.Diff(expected, actual);
        var text = new StringBuilder();
        int shown = 0;
        for (int i = 0; i < diff.Lines.Count && shown < 60; i++)
        {
            var line = diff.Lines[i];
            if (line.Type == ChangeType.Unchanged) continue;
            text.Append(line.Type == ChangeType.Inserted ? "+ " : "- ").Append(line.Position?.ToString() ?? "?").Append(": ").AppendLine(line.Text);
            shown++;
        }
        return text.ToString();
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n").TrimStart('\uFEFF');
}
