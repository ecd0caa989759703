using System.Linq;
using System.Text;
using System.Threading;
using System.Xml;
using System.Xml.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Sculpt.Generators.Parsing;

/// <summary>
/// The one-line <c>--help</c> description of a hyperparameter, as plain text: the property's
/// <c>[System.ComponentModel.Description("...")]</c>, else the <c>&lt;summary&gt;</c> of its XML doc
/// comment (for a positional record property, the record's <c>&lt;param&gt;</c>), else the same of
/// the property it overrides, and so on up; empty when none says anything. Never throws: a doc
/// comment that is not well-formed XML counts as none.
/// </summary>
/// <remarks>
/// The compiler parses doc comments only when it writes a documentation file
/// (<c>GenerateDocumentationFile</c>); otherwise <see cref="ISymbol.GetDocumentationCommentXml"/>
/// is empty and the comment is read from the declaration's <c>///</c> trivia instead, so help text
/// does not depend on a project setting. A compiled base record (<c>TrainingHyperParameters</c>)
/// has no syntax and the compiler loads no documentation of references: its help comes from
/// <c>[Description]</c>.
/// </remarks>
internal static class HelpDescriptions
{
    public const string DescriptionAttribute = "System.ComponentModel.DescriptionAttribute";

    public static string Of(IPropertySymbol property, CancellationToken cancellation)
    {
        for (var current = property; current is not null; current = current.OverriddenProperty)
        {
            string text = FromAttribute(current);
            if (text.Length == 0) text = FromDocumentation(current, cancellation);
            if (text.Length > 0) return text;
        }
        return "";
    }

    private static string FromAttribute(ISymbol symbol)
    {
        foreach (var attribute in symbol.GetAttributes())
        {
            if (attribute.AttributeClass?.ToDisplayString() == DescriptionAttribute
                && attribute.ConstructorArguments.Length == 1
                && attribute.ConstructorArguments[0].Value is string text)
            {
                return OneLine(text);
            }
        }
        return "";
    }

    private static string FromDocumentation(IPropertySymbol property, CancellationToken cancellation)
    {
        // A positional record property's comment is the record's <param>, which the trivia give unambiguously.
        bool positional = property.DeclaringSyntaxReferences.Any(r => r.GetSyntax(cancellation) is ParameterSyntax);
        string xml = positional ? "" : property.GetDocumentationCommentXml(cancellationToken: cancellation) ?? "";
        string text = xml.Length > 0 ? Summary(xml, null) : "";
        if (text.Length > 0) return text;
        foreach (var reference in property.DeclaringSyntaxReferences)
        {
            var node = reference.GetSyntax(cancellation);
            string? parameter = null;
            if (node is ParameterSyntax { Parent.Parent: TypeDeclarationSyntax record } declared)
            {
                // record R(int Hidden): the record's <param name="Hidden">.
                parameter = declared.Identifier.ValueText;
                node = record;
            }
            text = Summary(CommentOf(node), parameter);
            if (text.Length > 0) return text;
        }
        return "";
    }

    /// <summary>The doc comment before a declaration as XML text, from its trivia, whether or not the compiler parsed it as documentation.</summary>
    private static string CommentOf(SyntaxNode node)
    {
        var text = new StringBuilder();
        foreach (var trivia in node.GetLeadingTrivia())
        {
            string content = trivia.ToFullString();
            if (trivia.IsKind(SyntaxKind.SingleLineDocumentationCommentTrivia)
                || trivia.IsKind(SyntaxKind.SingleLineCommentTrivia) && content.StartsWith("///", System.StringComparison.Ordinal) && !content.StartsWith("////", System.StringComparison.Ordinal))
            {
                foreach (string line in content.Split('\n'))
                {
                    string trimmed = line.Trim();
                    if (trimmed.StartsWith("///", System.StringComparison.Ordinal)) text.Append(trimmed.Substring(3)).Append('\n');
                }
            }
            else if (trivia.IsKind(SyntaxKind.MultiLineDocumentationCommentTrivia)
                || trivia.IsKind(SyntaxKind.MultiLineCommentTrivia) && content.StartsWith("/**", System.StringComparison.Ordinal) && !content.StartsWith("/**/", System.StringComparison.Ordinal))
            {
                string body = content.Substring(3);
                if (body.EndsWith("*/", System.StringComparison.Ordinal)) body = body.Substring(0, body.Length - 2);
                foreach (string line in body.Split('\n'))
                {
                    string trimmed = line.Trim();
                    text.Append(trimmed.StartsWith("*", System.StringComparison.Ordinal) ? trimmed.Substring(1) : trimmed).Append('\n');
                }
            }
        }
        return text.Length == 0 ? "" : "<doc>" + text + "</doc>";
    }

    /// <summary>The plain text of the first <c>&lt;summary&gt;</c> (or <c>&lt;param name="..."&gt;</c>) of a doc comment.</summary>
    private static string Summary(string xml, string? parameter)
    {
        if (xml.Length == 0) return "";
        XElement root;
        try
        {
            root = XElement.Parse(xml, LoadOptions.None);
        }
        catch (XmlException)
        {
            return "";
        }
        var element = parameter is null
            ? root.DescendantsAndSelf("summary").FirstOrDefault()
            : root.Descendants("param").FirstOrDefault(p => (string?)p.Attribute("name") == parameter);
        if (element is null) return "";
        var text = new StringBuilder();
        Render(element, text);
        return OneLine(text.ToString());
    }

    private static void Render(XNode node, StringBuilder text)
    {
        switch (node)
        {
            case XText plain:
                text.Append(plain.Value);
                break;
            case XElement element:
                string name = element.Name.LocalName;
                if ((name is "see" or "seealso") && !element.Nodes().Any())
                {
                    text.Append((string?)element.Attribute("langword") ?? ShortName((string?)element.Attribute("cref") ?? (string?)element.Attribute("href") ?? ""));
                    break;
                }
                if (name is "paramref" or "typeparamref")
                {
                    text.Append((string?)element.Attribute("name") ?? "");
                    break;
                }
                if (name is "para" or "br") text.Append(' ');
                foreach (var child in element.Nodes()) Render(child, text);
                if (name == "para") text.Append(' ');
                break;
        }
    }

    /// <summary><c>T:Sculpt.Optimization.Schedule</c> or <c>Optimizer.Sgd</c> as the reader knows it: <c>Schedule</c>, <c>Sgd</c>.</summary>
    private static string ShortName(string cref)
    {
        string name = cref.Length > 1 && cref[1] == ':' ? cref.Substring(2) : cref;
        int call = name.IndexOfAny(new[] { '(', '{', '<', '`' });
        if (call >= 0) name = name.Substring(0, call);
        int dot = name.LastIndexOf('.');
        return dot >= 0 ? name.Substring(dot + 1) : name;
    }

    /// <summary>Text on one line: whitespace and control characters runs become single spaces.</summary>
    private static string OneLine(string text)
    {
        var result = new StringBuilder(text.Length);
        bool space = false;
        foreach (char c in text)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c) || c is '\u2028' or '\u2029')
            {
                space = result.Length > 0;
                continue;
            }
            if (space) result.Append(' ');
            space = false;
            result.Append(c);
        }
        return result.ToString();
    }
}
