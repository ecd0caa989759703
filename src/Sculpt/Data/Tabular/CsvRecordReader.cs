using System;
using System.Collections.Generic;
using System.IO;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;

namespace Sculpt.Data.Tabular;

/// <summary>
/// Reads a delimited UTF-8 file record by record without allocating per field: a field is a span
/// of the reader's buffer, valid until the next <see cref="Read"/>. Quoting follows RFC 4180 (a
/// quoted field may hold delimiters, newlines and doubled quotes); CRLF and LF line ends, a UTF-8
/// byte-order mark and blank lines are accepted. Errors name the file and line.
/// </summary>
public sealed class CsvRecordReader : IDisposable
{
    private const byte Quote = (byte)'"';
    private const byte NewLine = (byte)'\n';
    private const byte CarriageReturn = (byte)'\r';

    private readonly Stream _stream;
    private readonly byte _delimiter;
    // Bytes kept free past the data, so that a field's number can be read in whole 8-byte words.
    private const int Slack = 16;

    private byte[] _buffer = new byte[(1 << 20) + Slack];
    private int _position;
    private int _end;
    private bool _endOfFile;
    private long _nextLine = 1;
    private readonly long _limit = long.MaxValue;
    private readonly long _start;
    private int[] _starts = new int[32];
    private int[] _lengths = new int[32];
    private bool[] _escaped = new bool[32];

    public CsvRecordReader(string path, char delimiter = ',', bool header = true)
    {
        if (delimiter is '"' or '\n' or '\r' || delimiter > 127) throw new ArgumentException($"'{delimiter}' cannot separate fields; use an ASCII character other than a quote or a line end.", nameof(delimiter));
        Path = path;
        _delimiter = (byte)delimiter;
        _stream = Open(path);
        Fill();
        // NUL never occurs in CSV text: this is a binary file, or UTF-16 text, which would parse as garbage.
        if (_buffer.AsSpan(0, _end).IndexOf((byte)0) is int nul and >= 0)
        {
            _stream.Dispose();
            throw new InvalidDataException($"{path} is not a UTF-8 text file: byte {nul:N0} is NUL (binary data, or UTF-16 text). Save it as UTF-8 CSV.");
        }
        if (_end >= 3 && _buffer[0] == 0xEF && _buffer[1] == 0xBB && _buffer[2] == 0xBF) _position = 3;
        if (header)
        {
            if (!Read()) throw new InvalidDataException($"{path}: the file is empty; expected a header line.");
            var names = new string[FieldCount];
            for (int i = 0; i < names.Length; i++) names[i] = FieldText(i).Trim();
            Header = names;
        }
    }

    /// <summary>
    /// Reads the records between byte offsets <paramref name="start"/> (a record's start) and
    /// <paramref name="end"/> (just past a line end) of a file whose header is known; lines count
    /// from 1 at <paramref name="start"/>.
    /// </summary>
    internal CsvRecordReader(string path, char delimiter, IReadOnlyList<string> header, long start, long end)
    {
        Path = path;
        _delimiter = (byte)delimiter;
        _stream = Open(path);
        _stream.Position = start;
        _start = start;
        _limit = end;
        Header = header;
        Fill();
    }

    private static FileStream Open(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        }
        catch (Exception problem) when (problem is IOException or UnauthorizedAccessException)
        {
            throw new FileNotFoundException($"Cannot open '{path}': {problem.Message}", path, problem);
        }
    }

    /// <summary>The byte offset in the file where the next record starts.</summary>
    internal long Offset => _stream.Position - (_end - _position);

    /// <summary>The line the next record starts on.</summary>
    internal long NextLine => _nextLine;

    /// <summary>The file being read.</summary>
    public string Path { get; }

    /// <summary>The column names of the header line (empty without one).</summary>
    public IReadOnlyList<string> Header { get; } = [];

    /// <summary>The 1-based line on which the current record starts.</summary>
    public long Line { get; private set; }

    /// <summary>The size in bytes of the file, or of the part this reader reads.</summary>
    public long Length => Math.Min(_limit, _stream.Length) - _start;

    /// <summary>How many bytes of <see cref="Length"/> the records read so far span.</summary>
    public long BytesRead => Offset - _start;

    /// <summary>The current record's number of fields.</summary>
    public int FieldCount { get; private set; }

    /// <summary>Field <paramref name="index"/> of the current record, unquoted.</summary>
    public ReadOnlySpan<byte> Field(int index)
    {
        if ((uint)index >= (uint)FieldCount) throw new ArgumentOutOfRangeException(nameof(index), $"{Path}:{Line}: the record has {FieldCount} fields; field {index + 1} was asked for.");
        // Offsets come from the parser and lie inside the buffer, so the span is made without a second check.
        return MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_buffer), _starts[index]), _lengths[index]);
    }

    private static readonly float[] PowersOfTen = [1e0f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f, 1e6f, 1e7f, 1e8f];
    private static readonly uint[] IntegerPowersOfTen = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000];

    /// <summary>
    /// Field <paramref name="index"/> as a float when it is a plain decimal, <c>[-+]digits[.digits]</c>
    /// with at most 8 digits on each side whose digits, without the point, are at most 2^24: then
    /// the digits and the power of ten are exact floats and one IEEE division rounds correctly
    /// (Clinger's fast path). Digits are converted 8 at a time inside one 64-bit word; a field of
    /// 1 to 3 digits (most fields of a pixel file) digit by digit, which took the 785-column
    /// Fashion-MNIST CSV from 1.5 times CsvHelper's time to about its time or less (docs/performance.md,
    /// <c>dotnet run -c Release --project tests/Sculpt.Benchmarks -- pixels</c>). Anything
    /// else (exponents, spaces, missing markers, long mantissas) returns false, for a general parser.
    /// </summary>
    public bool TryReadPlainFloat(int index, out float value)
    {
        value = 0;
        if ((uint)index >= (uint)FieldCount) return false;
        int length = _lengths[index];
        ref byte text = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_buffer), _starts[index]);
        if ((uint)(length - 1) < 3 && TryShortInteger(ref text, length, out value)) return true;
        bool negative = false;
        if (length > 0 && (text == (byte)'-' || text == (byte)'+'))
        {
            negative = text == (byte)'-';
            text = ref Unsafe.Add(ref text, 1);
            length--;
        }
        if (length is 0 or > 17) return false;
        // Reading 8 bytes past a field's start stays inside the buffer: fields end by _end, and Slack follows.
        ulong head = Unsafe.ReadUnaligned<ulong>(ref text);
        ulong dots = head ^ 0x2E2E2E2E2E2E2E2EUL;
        int point = BitOperations.TrailingZeroCount((dots - 0x0101010101010101UL) & ~dots & 0x8080808080808080UL) >> 3;
        int integerDigits = Math.Min(point, length);
        if (integerDigits == 8 && length > 8) return false;
        int fractionDigits = point < length ? length - point - 1 : 0;
        if (fractionDigits > 8 || integerDigits + fractionDigits == 0) return false;
        if (!TryDigits(head, integerDigits, out uint integer)) return false;
        uint fraction = 0;
        if (fractionDigits > 0 && !TryDigits(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref text, point + 1)), fractionDigits, out fraction)) return false;
        ulong mantissa = (ulong)integer * IntegerPowersOfTen[fractionDigits] + fraction;
        if (mantissa > 1 << 24) return false;
        float result = fractionDigits == 0 ? mantissa : mantissa / PowersOfTen[fractionDigits];
        value = negative ? -result : result;
        return true;
    }

    /// <summary>
    /// A field of 1 to 3 digits (a pixel value, a count, a small code: most fields of a wide
    /// file), read digit by digit; false for anything else, which the general path then reads.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryShortInteger(ref byte text, int length, out float value)
    {
        value = 0;
        uint first = (uint)(text - '0');
        if (first > 9) return false;
        if (length == 1)
        {
            value = (int)first;
            return true;
        }
        uint second = (uint)(Unsafe.Add(ref text, 1) - '0');
        if (second > 9) return false;
        if (length == 2)
        {
            value = (int)(first * 10 + second);
            return true;
        }
        uint third = (uint)(Unsafe.Add(ref text, 2) - '0');
        if (third > 9) return false;
        value = (int)(first * 100 + second * 10 + third);
        return true;
    }

    /// <summary>The number the first <paramref name="count"/> (0 to 8) bytes of <paramref name="word"/> spell, or false when one is not a digit.</summary>
    private static bool TryDigits(ulong word, int count, out uint value)
    {
        value = 0;
        if (count == 0) return true;
        // The digits moved to the word's top bytes, '0's below: an 8-digit number with leading zeros
        // whose first digit is the lowest byte (little-endian), as the pairwise sums below expect.
        int shift = (8 - count) * 8;
        ulong padded = shift == 0 ? word : (word << shift) | (0x3030303030303030UL >> (64 - shift));
        if ((padded & 0xF0F0F0F0F0F0F0F0UL) != 0x3030303030303030UL || ((padded + 0x0606060606060606UL) & 0xF0F0F0F0F0F0F0F0UL) != 0x3030303030303030UL) return false;
        ulong digits = padded - 0x3030303030303030UL;
        digits = (digits * 10 + (digits >> 8)) & 0x00FF00FF00FF00FFUL;
        digits = (digits * 100 + (digits >> 16)) & 0x0000FFFF0000FFFFUL;
        digits = (digits * 10000 + (digits >> 32)) & 0xFFFFFFFFUL;
        value = (uint)digits;
        return true;
    }

    /// <summary>Field <paramref name="index"/> as a string, for names and messages.</summary>
    public string FieldText(int index) => Encoding.UTF8.GetString(Field(index));

    /// <summary>Moves to the next record; false at the end of the file.</summary>
    public bool Read()
    {
        while (true)
        {
            if (_position >= _end && !Fill()) return false;
            int newLines = 1;
            int parsed = ParseUnquotedRecord(_position);
            // Only the quoted path marks fields with doubled quotes (_escaped); an unquoted record has none.
            bool quoted = parsed == NeedsQuoting;
            if (quoted)
            {
                newLines = 0;
                parsed = ParseRecord(_position, ref newLines);
            }
            else if (parsed >= 0 && (parsed == _end && _buffer[parsed - 1] != NewLine))
            {
                newLines = 0;
            }
            if (parsed < 0)
            {
                // The record runs past the buffer: keep it, read more, and parse it again.
                if (_endOfFile) throw new InvalidDataException($"{Path}:{_nextLine}: a quoted field is not closed before the end of the file.");
                Compact();
                Fill();
                continue;
            }
            Line = _nextLine;
            _nextLine += newLines;
            _position = parsed;
            if (FieldCount == 1 && _lengths[0] == 0 && !(quoted && _escaped[0])) continue;
            for (int i = 0; quoted && i < FieldCount; i++)
            {
                if (_escaped[i]) _lengths[i] = Unescape(_starts[i], _lengths[i]);
            }
            return true;
        }
    }

    private const int NeedsQuoting = -2;

    /// <summary>
    /// The fast path for a record without quotes: one vector compare finds every delimiter, line
    /// end and quote in 32 bytes at a time. Returns where the next record starts, -1 when the
    /// buffer ends first and more of the file remains, or <see cref="NeedsQuoting"/> when the
    /// record holds a quote and must be parsed by <see cref="ParseRecord"/>.
    /// </summary>
    private int ParseUnquotedRecord(int start)
    {
        var data = _buffer;
        int field = 0;
        int fieldStart = start;
        int position = start;
        if (Vector256.IsHardwareAccelerated)
        {
            var delimiters = Vector256.Create(_delimiter);
            var newLines = Vector256.Create(NewLine);
            var quotes = Vector256.Create(Quote);
            for (; position + Vector256<byte>.Count <= _end; position += Vector256<byte>.Count)
            {
                var block = Vector256.LoadUnsafe(ref data[position]);
                uint mask = (Vector256.Equals(block, delimiters) | Vector256.Equals(block, newLines) | Vector256.Equals(block, quotes)).ExtractMostSignificantBits();
                while (mask != 0)
                {
                    int at = position + BitOperations.TrailingZeroCount(mask);
                    byte found = data[at];
                    if (found == Quote) return NeedsQuoting;
                    if (field == _starts.Length) GrowFields();
                    _starts[field] = fieldStart;
                    _lengths[field] = at - fieldStart;
                    field++;
                    fieldStart = at + 1;
                    if (found == NewLine)
                    {
                        EndUnquoted(field);
                        return at + 1;
                    }
                    mask &= mask - 1;
                }
            }
        }
        for (; position < _end; position++)
        {
            byte found = data[position];
            if (found == Quote) return NeedsQuoting;
            if (found != _delimiter && found != NewLine) continue;
            if (field == _starts.Length) GrowFields();
            _starts[field] = fieldStart;
            _lengths[field] = position - fieldStart;
            field++;
            fieldStart = position + 1;
            if (found == NewLine)
            {
                EndUnquoted(field);
                return position + 1;
            }
        }
        if (!_endOfFile) return -1;
        // The last record of a file without a final line end.
        if (field == _starts.Length) GrowFields();
        _starts[field] = fieldStart;
        _lengths[field] = _end - fieldStart;
        EndUnquoted(field + 1);
        return _end;
    }

    /// <summary>Sets the field count of an unquoted record and drops the CR of a CRLF line end.</summary>
    private void EndUnquoted(int fields)
    {
        FieldCount = fields;
        int last = fields - 1;
        if (_lengths[last] > 0 && _buffer[_starts[last] + _lengths[last] - 1] == CarriageReturn) _lengths[last]--;
    }

    /// <summary>
    /// Finds the fields of the record at <paramref name="start"/>; returns where the next record
    /// starts, or -1 when the buffer ends first and more of the file remains.
    /// </summary>
    private int ParseRecord(int start, ref int newLines)
    {
        var data = _buffer.AsSpan(0, _end);
        int field = 0;
        int position = start;
        while (true)
        {
            if (field == _starts.Length) GrowFields();
            _escaped[field] = false;
            if (position < _end && data[position] == Quote)
            {
                int contentStart = position + 1;
                int scan = contentStart;
                while (true)
                {
                    int quote = data[scan..].IndexOf(Quote);
                    if (quote < 0) return -1;
                    newLines += data.Slice(scan, quote).Count(NewLine);
                    scan += quote + 1;
                    if (scan < _end && data[scan] == Quote)
                    {
                        _escaped[field] = true;
                        scan++;
                        continue;
                    }
                    if (scan >= _end && !_endOfFile) return -1;
                    break;
                }
                _starts[field] = contentStart;
                _lengths[field] = scan - 1 - contentStart;
                position = scan;
                if (position < _end && data[position] == CarriageReturn) position++;
                if (position >= _end)
                {
                    if (!_endOfFile) return -1;
                    FieldCount = field + 1;
                    return position;
                }
                byte after = data[position];
                if (after == _delimiter)
                {
                    position++;
                    field++;
                    continue;
                }
                if (after == NewLine)
                {
                    newLines++;
                    FieldCount = field + 1;
                    return position + 1;
                }
                throw new InvalidDataException($"{Path}:{_nextLine + newLines}: field {field + 1} has '{(char)after}' after its closing quote; a quoted field must end at a '{(char)_delimiter}' or a line end.");
            }
            int stop = data[position..].IndexOfAny(_delimiter, NewLine);
            if (stop < 0)
            {
                if (!_endOfFile) return -1;
                stop = _end - position;
            }
            int length = stop;
            int next = position + stop;
            bool endsRecord = next >= _end || data[next] == NewLine;
            if (endsRecord && length > 0 && data[position + length - 1] == CarriageReturn) length--;
            _starts[field] = position;
            _lengths[field] = length;
            if (endsRecord)
            {
                if (next < _end) newLines++;
                FieldCount = field + 1;
                return Math.Min(next + 1, _end);
            }
            position = next + 1;
            field++;
        }
    }

    /// <summary>Removes the doubled quotes of a quoted field in place; returns its new length.</summary>
    private int Unescape(int start, int length)
    {
        var field = _buffer.AsSpan(start, length);
        int write = 0;
        for (int read = 0; read < field.Length; read++)
        {
            field[write++] = field[read];
            if (field[read] == Quote) read++;
        }
        return write;
    }

    /// <summary>Moves the unread bytes to the buffer's start, doubling the buffer when a record fills it.</summary>
    private void Compact()
    {
        int unread = _end - _position;
        if (_position == 0) Array.Resize(ref _buffer, (_buffer.Length - Slack) * 2 + Slack);
        else Buffer.BlockCopy(_buffer, _position, _buffer, 0, unread);
        _position = 0;
        _end = unread;
    }

    /// <summary>Reads more of the file into the free end of the buffer; false when nothing is left.</summary>
    private bool Fill()
    {
        if (_endOfFile) return false;
        if (_position >= _end)
        {
            _position = 0;
            _end = 0;
        }
        if (_end == _buffer.Length - Slack) Compact();
        int read = _stream.Read(_buffer, _end, (int)Math.Min(_buffer.Length - Slack - _end, _limit - _stream.Position));
        if (read == 0)
        {
            _endOfFile = true;
            return _position < _end;
        }
        _end += read;
        return true;
    }

    private void GrowFields()
    {
        Array.Resize(ref _starts, _starts.Length * 2);
        Array.Resize(ref _lengths, _lengths.Length * 2);
        Array.Resize(ref _escaped, _escaped.Length * 2);
    }

    public void Dispose() => _stream.Dispose();
}
