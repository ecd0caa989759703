using System;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;

namespace Sculpt.Models;

/// <summary>
/// Components under dotted state names (<c>[StateName("features.0.0")]</c>): TorchSharp names a component by one
/// word, so a dotted name becomes a path of <see cref="StateNode"/>s, as PyTorch's nested <c>Sequential</c>s make it,
/// and the state dict reads <c>features.0.0.weight</c> as the publisher's does.
/// </summary>
public static class StateNames
{
    /// <summary>Registers <paramref name="component"/> (a module or a <see cref="Parameter"/>) at <paramref name="path"/> below <paramref name="owner"/>.</summary>
    /// <exception cref="InvalidOperationException">A part of the path is already a component that is no <see cref="StateNode"/>, or the path is taken.</exception>
    public static void Attach(torch.nn.Module owner, string path, object component)
    {
        var parts = path.Split('.');
        var node = owner;
        for (int i = 0; i < parts.Length - 1; i++)
        {
            var existing = node.named_children().FirstOrDefault(c => c.name == parts[i]).module;
            if (existing is null)
            {
                var made = new StateNode();
                node.register_module(parts[i], made);
                node = made;
            }
            else node = existing as StateNode
                ?? throw new InvalidOperationException($"'{path}' passes through '{string.Join(".", parts.Take(i + 1))}', which is a {existing.GetName()} of its own, not a group of state names.");
        }
        string leaf = parts[^1];
        if (node.named_children().Any(c => c.name == leaf) || node.named_parameters(recurse: false).Any(p => p.name == leaf))
            throw new InvalidOperationException($"Two components of the model have the state name '{path}'.");
        switch (component)
        {
            case Parameter parameter: node.register_parameter(leaf, parameter); break;
            case torch.nn.Module module: node.register_module(leaf, module); break;
            default: throw new ArgumentException($"'{path}' is a {component.GetType().Name}; only modules and parameters have state names.", nameof(component));
        }
    }

    /// <summary>The parameter at <paramref name="path"/> as it is now (moving a model to a device replaces its parameters).</summary>
    public static Parameter Parameter(torch.nn.Module owner, string path)
    {
        var parts = path.Split('.');
        var node = owner;
        foreach (var part in parts.Take(parts.Length - 1)) node = node.named_children().First(c => c.name == part).module;
        return node.named_parameters(recurse: false).First(p => p.name == parts[^1]).parameter;
    }
}

/// <summary>A level of a dotted state name: it holds components and computes nothing.</summary>
public sealed class StateNode() : torch.nn.Module(nameof(StateNode));
