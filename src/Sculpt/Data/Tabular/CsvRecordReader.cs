using System;
using System.Collections.Generic;
using System.IO;
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
    private byte[] _buffer = new byte[1 << 20];
    private int _position;
    private int _end;
    private bool _endOfFile;
    private long _nextLine = 1;
    private int[] _starts = new int[32];
    private int[] _lengths = new int[32];
    private bool[] _escaped = new bool[32];

    public CsvRecordReader(string path, char delimiter = ',', bool header = true)
    {
        if (delimiter is '"' or '\n' or '\r' || delimiter > 127) throw new ArgumentException($"'{delimiter}' cannot separate fields; use an ASCII character other than a quote or a line end.", nameof(delimiter));
        Path = path;
        _delimiter = (byte)delimiter;
        try
        {
            _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        }
        catch (Exception problem) when (problem is IOException or UnauthorizedAccessException)
        {
            throw new FileNotFoundException($"Cannot open '{path}': {problem.Message}", path, problem);
        }
        Fill();
        if (_end >= 3 && _buffer[0] == 0xEF && _buffer[1] == 0xBB && _buffer[2] == 0xBF) _position = 3;
        if (header)
        {
            if (!Read()) throw new InvalidDataException($"{path}: the file is empty; expected a header line.");
            var names = new string[FieldCount];
            for (int i = 0; i < names.Length; i++) names[i] = FieldText(i).Trim();
            Header = names;
        }
    }

    /// <summary>The file being read.</summary>
    public string Path { get; }

    /// <summary>The column names of the header line (empty without one).</summary>
    public IReadOnlyList<string> Header { get; } = [];

    /// <summary>The 1-based line on which the current record starts.</summary>
    public long Line { get; private set; }

    /// <summary>The current record's number of fields.</summary>
    public int FieldCount { get; private set; }

    /// <summary>Field <paramref name="index"/> of the current record, unquoted.</summary>
    public ReadOnlySpan<byte> Field(int index) => _buffer.AsSpan(_starts[index], _lengths[index]);

    /// <summary>Field <paramref name="index"/> as a string, for names and messages.</summary>
    public string FieldText(int index) => Encoding.UTF8.GetString(Field(index));

    /// <summary>Moves to the next record; false at the end of the file.</summary>
    public bool Read()
    {
        while (true)
        {
            if (_position >= _end && !Fill()) return false;
            int newLines = 0;
            int parsed = ParseRecord(_position, ref newLines);
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
            if (FieldCount == 1 && _lengths[0] == 0 && !_escaped[0]) continue;
            for (int i = 0; i < FieldCount; i++)
            {
                if (_escaped[i]) _lengths[i] = Unescape(_starts[i], _lengths[i]);
            }
            return true;
        }
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
        if (_position == 0) Array.Resize(ref _buffer, _buffer.Length * 2);
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
        if (_end == _buffer.Length) Compact();
        int read = _stream.Read(_buffer, _end, _buffer.Length - _end);
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
