using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace Sculpt.EndToEnd.Tests;

/// <summary>
/// The commands README.md prints: every line of a <c>```sh</c> block (a block is one shell
/// session, so a <c>cd</c> carries to the next line), and every inline code span in the prose that
/// runs a program with arguments (<c>dotnet run --project ...</c>, or environment assignments
/// before it); a bare verb such as <c>dotnet build</c> in a sentence names a tool, not a command.
/// </summary>
internal static partial class ReadmeCommands
{
    public sealed record Script(int Line, IReadOnlyList<string> Commands)
    {
        public override string ToString() => $"README.md:{Line}: {string.Join(" && ", Commands)}";
    }

    public static IReadOnlyList<Script> Parse(string markdown)
    {
        var scripts = new List<Script>();
        var lines = markdown.Replace("\r\n", "\n").Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string trimmed = lines[i].Trim();
            if (trimmed.StartsWith("```", StringComparison.Ordinal))
            {
                bool shell = trimmed is "```sh" or "```bash" or "```shell";
                int start = i + 1;
                var commands = new List<string>();
                for (i++; i < lines.Length && !lines[i].Trim().StartsWith("```", StringComparison.Ordinal); i++)
                {
                    string command = WithoutComment(lines[i]);
                    if (shell && command.Length > 0) commands.Add(command);
                }
                if (commands.Count > 0) scripts.Add(new Script(start + 1, commands));
                continue;
            }
            foreach (Match span in InlineCode().Matches(lines[i]))
            {
                string code = span.Groups[1].Value.Trim();
                if (RunsAProgram().IsMatch(code)) scripts.Add(new Script(i + 1, [code]));
            }
        }
        return scripts;
    }

    /// <summary>The command without a trailing shell comment (README explains commands that way).</summary>
    private static string WithoutComment(string line)
    {
        int hash = line.IndexOf(" #", StringComparison.Ordinal);
        string command = hash >= 0 ? line[..hash] : line;
        return command.TrimStart().StartsWith('#') ? "" : command.Trim();
    }

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"^([A-Z_][A-Z0-9_]*=\S+\s+)*dotnet\s+(run|test|build|pack|publish|new|add|nuget)\s+\S")]
    private static partial Regex RunsAProgram();
}
