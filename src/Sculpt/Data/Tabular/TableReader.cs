using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;

namespace Sculpt.Data.Tabular;

/// <summary>
/// Runs a generated row reader over a delimited file: in one pass, or, for a large file on a
/// machine with several cores, over consecutive pieces in parallel, merged in order. Pieces are
/// cut after a line end. A cut can only go wrong inside a quoted field that holds line ends, and
/// then the piece before it (read correctly from a correct start) ends with its quote still open,
/// which is an error; any error sends the whole file back to one sequential pass. So the result,
/// the line numbers in messages and the first error reported are always the sequential pass's.
/// </summary>
public static class TableReader
{
    /// <summary>Files smaller than this are read in one pass (the parallel start-up would not pay).</summary>
    public const long ParallelFrom = 8 << 20;

    /// <summary>Reads <paramref name="path"/> with <paramref name="readRows"/>, which binds the columns and reads every record into the builder.</summary>
    public static TabularData Read(string path, char delimiter, bool header, TableSchema schema, Action<CsvRecordReader, TableBuilder> readRows, int? workers = null)
    {
        int pieces = Math.Clamp(workers ?? Environment.ProcessorCount, 1, 16);
        var sequential = new CsvRecordReader(path, delimiter, header);
        long dataStart = sequential.Offset;
        if (pieces > 1 && sequential.Length - dataStart >= ParallelFrom)
        {
            using (sequential)
            {
                if (ReadInPieces(sequential, delimiter, schema, readRows, pieces, dataStart) is { } parallel) return parallel;
            }
            // The pieces' reader is spent; the sequential pass starts from the top.
            sequential = new CsvRecordReader(path, delimiter, header);
        }
        using var owned = sequential;
        var table = new TableBuilder(sequential, schema);
        readRows(sequential, table);
        return table.Finish();
    }

    private static TabularData? ReadInPieces(CsvRecordReader reader, char delimiter, TableSchema schema, Action<CsvRecordReader, TableBuilder> readRows, int pieces, long dataStart)
    {
        long end = reader.Length;
        var bounds = new List<long> { dataStart };
        for (int k = 1; k < pieces; k++)
        {
            long cut = LineStartAfter(reader.Path, dataStart + (end - dataStart) * k / pieces);
            if (cut > bounds[^1] && cut < end) bounds.Add(cut);
        }
        bounds.Add(end);
        int count = bounds.Count - 1;
        // A piece holds at most one record per line (and one more when the file ends without a
        // line end), so counting line ends first lets every piece write its rows straight into
        // shared arrays at a known place, with no copy to merge them.
        var lines = new long[count];
        Parallel.For(0, count, k => lines[k] = LineEnds(reader.Path, bounds[k], bounds[k + 1]) + (k == count - 1 ? 1 : 0));
        long total = lines.Sum();
        if (total * Math.Max(1, Math.Max(schema.FeatureNames.Length, schema.TargetCount)) > Array.MaxLength) return null;
        var storage = TableStorage.Allocate(schema, (int)total);
        var builders = new TableBuilder[count];
        var readers = new CsvRecordReader[count];
        bool failed = false;
        try
        {
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = count }, (k, state) =>
            {
                readers[k] = new CsvRecordReader(reader.Path, delimiter, reader.Header, bounds[k], bounds[k + 1]);
                builders[k] = new TableBuilder(readers[k], schema, storage, (int)lines.Take(k).Sum(), (int)lines[k]);
                try
                {
                    readRows(readers[k], builders[k]);
                }
                catch (Exception)
                {
                    // The sequential pass meets the same problem and reports it with the file's line.
                    failed = true;
                    state.Stop();
                }
            });
            if (failed || builders.Any(b => b is null)) return null;
            // Piece k's line 1 is the file's line after the header and the lines of the pieces before it.
            var offsets = new long[count];
            long line = reader.NextLine - 1;
            for (int k = 0; k < count; k++)
            {
                offsets[k] = line;
                line += readers[k].NextLine - 1;
            }
            return TableBuilder.Merge(builders, offsets);
        }
        finally
        {
            foreach (var piece in readers) piece?.Dispose();
        }
    }

    /// <summary>The number of line ends between byte offsets <paramref name="start"/> and <paramref name="end"/>.</summary>
    private static long LineEnds(string path, long start, long end)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        file.Position = start;
        var buffer = new byte[1 << 20];
        long count = 0;
        for (long left = end - start; left > 0;)
        {
            int read = file.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (read == 0) break;
            count += buffer.AsSpan(0, read).Count((byte)'\n');
            left -= read;
        }
        return count;
    }

    /// <summary>The offset just past the first line end at or after <paramref name="offset"/>.</summary>
    private static long LineStartAfter(string path, long offset)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
        file.Position = offset;
        var buffer = new byte[64 * 1024];
        while (true)
        {
            int read = file.Read(buffer, 0, buffer.Length);
            if (read == 0) return file.Length;
            int newLine = buffer.AsSpan(0, read).IndexOf((byte)'\n');
            if (newLine >= 0) return file.Position - read + newLine + 1;
        }
    }
}

/// <summary>The arrays the pieces of a file read in parallel share: features, and class labels or regression targets.</summary>
internal sealed record TableStorage(float[] Features, long[] Classes, float[] Targets)
{
    public static TableStorage Allocate(TableSchema schema, int rows) => schema.Unlabelled
        ? new(GC.AllocateUninitializedArray<float>(rows * schema.FeatureNames.Length), [], [])
        : schema.LabelKind == LabelKind.Regression
        ? new(GC.AllocateUninitializedArray<float>(rows * schema.FeatureNames.Length), [], GC.AllocateUninitializedArray<float>(rows * schema.TargetCount))
        : new(GC.AllocateUninitializedArray<float>(rows * schema.FeatureNames.Length), GC.AllocateUninitializedArray<long>(rows), []);
}
