using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Sculpt.Search;

/// <summary>
/// A search's trials in a SQLite file. Claiming the next configuration happens inside one write transaction, so
/// processes sharing the file (on one machine or a shared file system with working locks) never take the same grid
/// point, and a trial's result is written when it ends, so a kill loses at most the trials then running.
/// </summary>
public sealed class Study : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly string _worker = $"{Environment.MachineName}:{Environment.ProcessId}";

    private Study(SqliteConnection connection, IReadOnlyList<SearchDimension> space, string objective, bool maximize)
    {
        _connection = connection;
        Space = space;
        Objective = objective;
        Maximize = maximize;
    }

    /// <summary>The searched hyperparameters.</summary>
    public IReadOnlyList<SearchDimension> Space { get; }

    /// <summary>What a trial's value is: <c>val-loss</c> or <c>val-accuracy</c>.</summary>
    public string Objective { get; }

    /// <summary>Whether larger values are better.</summary>
    public bool Maximize { get; }

    /// <summary>A value as samplers and pruners compare it: lower is better.</summary>
    public double ToLoss(double value) => Maximize ? -value : value;

    /// <summary>
    /// Opens (or creates) the study in <paramref name="path"/>. A study made for another space or objective is refused:
    /// its trials would mislead the sampler.
    /// </summary>
    /// <exception cref="StudyMismatchException">The file holds a study of another space or objective.</exception>
    public static Study Open(string path, IReadOnlyList<SearchDimension> space, string objective, bool maximize)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, DefaultTimeout = 60 }.ToString());
        connection.Open();
        try
        {
            // SQLite's default rollback journal, not WAL: WAL needs shared memory between the processes, which a study
            // shared by machines over a network file system does not have. A study's writes are few and small.
            Execute(connection, "PRAGMA busy_timeout=60000;");
            Execute(connection, """
                CREATE TABLE IF NOT EXISTS study (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS trials (number INTEGER PRIMARY KEY, state TEXT NOT NULL, parameters TEXT NOT NULL, value REAL, reason TEXT, worker TEXT NOT NULL, started TEXT NOT NULL, finished TEXT);
                CREATE TABLE IF NOT EXISTS reports (number INTEGER NOT NULL, epoch INTEGER NOT NULL, value REAL NOT NULL, PRIMARY KEY (number, epoch));
                """);
            string described = string.Join("; ", space.Select(d => d.Describe()));
            string direction = maximize ? "maximize" : "minimize";
            using (var transaction = connection.BeginTransaction(deferred: false))
            {
                var stored = new Dictionary<string, string>();
                using (var read = new SqliteCommand("SELECT key, value FROM study", connection, transaction))
                using (var reader = read.ExecuteReader())
                {
                    while (reader.Read()) stored[reader.GetString(0)] = reader.GetString(1);
                }
                if (stored.Count == 0)
                {
                    foreach (var (key, value) in new[] { ("space", described), ("objective", objective), ("direction", direction) })
                    {
                        using var insert = new SqliteCommand("INSERT INTO study (key, value) VALUES ($key, $value)", connection, transaction);
                        insert.Parameters.AddWithValue("$key", key);
                        insert.Parameters.AddWithValue("$value", value);
                        insert.ExecuteNonQuery();
                    }
                }
                else if (stored.GetValueOrDefault("space") != described || stored.GetValueOrDefault("objective") != objective)
                {
                    throw new StudyMismatchException(
                        $"The study '{path}' searches {stored.GetValueOrDefault("space")} for {stored.GetValueOrDefault("objective")}, not {described} for {objective}; name another --study file.");
                }
                transaction.Commit();
            }
            return new Study(connection, space, objective, maximize);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Every trial, in order, with its per-epoch reports.</summary>
    public IReadOnlyList<Trial> Trials() => Read(null);

    private List<Trial> Read(SqliteTransaction? transaction)
    {
        var reports = new Dictionary<int, Dictionary<int, double>>();
        using (var command = new SqliteCommand("SELECT number, epoch, value FROM reports", _connection, transaction))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                int number = reader.GetInt32(0);
                if (!reports.TryGetValue(number, out var byEpoch)) reports[number] = byEpoch = new Dictionary<int, double>();
                byEpoch[reader.GetInt32(1)] = reader.GetDouble(2);
            }
        }
        var trials = new List<Trial>();
        using (var command = new SqliteCommand("SELECT number, state, parameters, value, reason FROM trials ORDER BY number", _connection, transaction))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                int number = reader.GetInt32(0);
                var parameters = ReadParameters(reader.GetString(2));
                trials.Add(new Trial(number, parameters, Enum.Parse<TrialState>(reader.GetString(1)), reader.IsDBNull(3) ? null : reader.GetDouble(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4), reports.TryGetValue(number, out var byEpoch) ? byEpoch : new Dictionary<int, double>()));
            }
        }
        return trials;
    }

    /// <summary>
    /// Claims the next trial: its number and the configuration <paramref name="sampler"/> picks from every trial so far,
    /// written as running before any other process can read the study. Null when the sampler has nothing left.
    /// </summary>
    public Trial? Ask(ISampler sampler)
    {
        using var transaction = _connection.BeginTransaction(deferred: false);
        var history = Read(transaction);
        int number = history.Count == 0 ? 1 : history.Max(t => t.Number) + 1;
        var taken = new HashSet<string>(history.Where(t => t.State != TrialState.Interrupted).Select(t => GridSampler.Key(t.Parameters)));
        IReadOnlyDictionary<string, string>? parameters = null;
        // A configuration already tried is drawn again (with another trial's generator); a grid never repeats itself.
        for (int attempt = 0; attempt < 20; attempt++)
        {
            parameters = sampler.Next(Space, history, number + attempt * 100_003, ToLoss);
            if (parameters is null || !taken.Contains(GridSampler.Key(parameters))) break;
        }
        if (parameters is null) return null;
        using (var insert = new SqliteCommand("INSERT INTO trials (number, state, parameters, worker, started) VALUES ($number, $state, $parameters, $worker, $started)", _connection, transaction))
        {
            insert.Parameters.AddWithValue("$number", number);
            insert.Parameters.AddWithValue("$state", nameof(TrialState.Running));
            insert.Parameters.AddWithValue("$parameters", WriteParameters(parameters));
            insert.Parameters.AddWithValue("$worker", _worker);
            insert.Parameters.AddWithValue("$started", DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture));
            insert.ExecuteNonQuery();
        }
        transaction.Commit();
        return new Trial(number, parameters, TrialState.Running, null, null, new Dictionary<int, double>());
    }

    /// <summary>Records a trial's objective after an epoch (what pruners compare across trials).</summary>
    public void Report(int number, int epoch, double value)
    {
        using var command = new SqliteCommand("INSERT OR REPLACE INTO reports (number, epoch, value) VALUES ($number, $epoch, $value)", _connection);
        command.Parameters.AddWithValue("$number", number);
        command.Parameters.AddWithValue("$epoch", epoch);
        command.Parameters.AddWithValue("$value", value);
        command.ExecuteNonQuery();
    }

    /// <summary>Records how a trial ended.</summary>
    public void Finish(int number, TrialState state, double? value, string? reason)
    {
        using var command = new SqliteCommand("UPDATE trials SET state = $state, value = $value, reason = $reason, finished = $finished WHERE number = $number", _connection);
        command.Parameters.AddWithValue("$number", number);
        command.Parameters.AddWithValue("$state", state.ToString());
        command.Parameters.AddWithValue("$value", value is { } v ? v : DBNull.Value);
        command.Parameters.AddWithValue("$reason", reason is null ? DBNull.Value : reason);
        command.Parameters.AddWithValue("$finished", DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// Marks as interrupted the running trials of workers on this machine that no longer exist (a killed search), so their
    /// configurations may be tried again; returns how many.
    /// </summary>
    public int ReleaseAbandoned()
    {
        using var transaction = _connection.BeginTransaction(deferred: false);
        var abandoned = new List<int>();
        using (var command = new SqliteCommand("SELECT number, worker FROM trials WHERE state = $running", _connection, transaction))
        {
            command.Parameters.AddWithValue("$running", nameof(TrialState.Running));
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var worker = reader.GetString(1).Split(':');
                if (worker.Length == 2 && worker[0] == Environment.MachineName && int.TryParse(worker[1], out int pid) && !Alive(pid)) abandoned.Add(reader.GetInt32(0));
            }
        }
        foreach (int number in abandoned)
        {
            using var update = new SqliteCommand("UPDATE trials SET state = $state, reason = 'its worker ended before it did' WHERE number = $number", _connection, transaction);
            update.Parameters.AddWithValue("$state", nameof(TrialState.Interrupted));
            update.Parameters.AddWithValue("$number", number);
            update.ExecuteNonQuery();
        }
        transaction.Commit();
        return abandoned.Count;
    }

    private static bool Alive(int pid)
    {
        if (pid == Environment.ProcessId) return true;
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static Dictionary<string, string> ReadParameters(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "");
    }

    private static string WriteParameters(IReadOnlyDictionary<string, string> parameters)
    {
        using var buffer = new System.IO.MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (var (flag, value) in parameters) json.WriteString(flag, value);
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = new SqliteCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    public void Dispose() => _connection.Dispose();
}

/// <summary>A study file holds a study of another space or objective.</summary>
public sealed class StudyMismatchException(string message) : Exception(message);
