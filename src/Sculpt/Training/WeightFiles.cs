using System;
using System.IO;
using TorchSharp;

namespace Sculpt.Training;

/// <summary>Saves and loads module weights (TorchSharp's format); saving never leaves a half-written file.</summary>
public static class WeightFiles
{
    /// <summary>Writes to a temporary file beside <paramref name="path"/>, flushes it to disk, then renames it over.</summary>
    public static void Save(torch.nn.Module module, string path) => Checkpoints.AtomicFile.Write(path, stream =>
    {
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        module.save(writer);
        writer.Flush();
    });

    /// <summary>Loads weights saved by <see cref="Save"/>; errors name the file.</summary>
    public static void Load(torch.nn.Module module, string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Weights file '{path}' does not exist.", path);
        try
        {
            module.load(path);
        }
        catch (Exception error) when (error is ArgumentException or InvalidDataException or EndOfStreamException or NotImplementedException)
        {
            throw new InvalidDataException($"'{path}' does not hold weights for {module.GetName()}: {error.Message}", error);
        }
    }
}
