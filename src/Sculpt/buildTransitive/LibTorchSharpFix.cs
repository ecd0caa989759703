// Compiled at build time by RoslynCodeTaskFactory (see Sculpt.targets), in this repository and in
// every project that consumes the Sculpt package; the tests compile it too. Keep it to the BCL
// and MSBuild's utilities, and to C# that the task factory's compiler accepts.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Sculpt.Build
{
    /// <summary>
    /// Makes libLibTorchSharp.so load on hosts whose libstdc++ is older than the one it was built
    /// against, by marking the missing (and provably unused) version requirements weak.
    /// </summary>
    public sealed class PatchLibTorchSharp : Task
    {
        /// <summary>Versions known to be needed only for symbols that are never called.</summary>
        public static readonly string[] SafeToWeaken = { "GLIBCXX_3.4.32" };

        /// <summary>
        /// The only symbols a weakened version may be needed for: GCC 13's &lt;iostream&gt; references
        /// std::ios_base_library_init() to initialise the standard streams, which older libstdc++
        /// does by itself. A file that needs the version for anything else is left as it is.
        /// </summary>
        public static readonly string[] NeverCalled = { "_ZSt21ios_base_library_initv" };

        private static readonly string[] LibStdCxxCandidates =
        {
            "/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
            "/lib/x86_64-linux-gnu/libstdc++.so.6",
            "/usr/lib64/libstdc++.so.6",
            "/lib64/libstdc++.so.6",
            "/usr/lib/libstdc++.so.6",
        };

        /// <summary>The copies of libLibTorchSharp.so to fix (in the output or publish folder).</summary>
        [Required]
        public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();

        /// <summary><c>auto</c>: only what this host's libstdc++ lacks; <c>always</c>; <c>never</c>.</summary>
        public string Mode { get; set; } = "auto";

        /// <summary>Where to read this host's libstdc++ from; found automatically when empty.</summary>
        public string LibStdCxxPath { get; set; } = "";

        public override bool Execute()
        {
            string mode = (Mode ?? "auto").Trim().ToLowerInvariant();
            if (mode == "never" || Files.Length == 0) return true;
            if (mode != "auto" && mode != "always")
            {
                Log.LogError("SculptPatchLibTorchSharp must be auto, always or never; got '" + Mode + "'.");
                return false;
            }

            HashSet<string> hostVersions = new HashSet<string>(StringComparer.Ordinal);
            if (mode == "auto")
            {
                if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) return true;
                string? libstdcxx = string.IsNullOrEmpty(LibStdCxxPath)
                    ? LibStdCxxCandidates.FirstOrDefault(File.Exists)
                    : LibStdCxxPath;
                if (libstdcxx == null)
                {
                    Log.LogMessage(MessageImportance.Low, "Sculpt: no libstdc++.so.6 found; libLibTorchSharp.so left as it is.");
                    return true;
                }
                try
                {
                    hostVersions = ElfVersionPatcher.ReadDefinedVersions(libstdcxx);
                }
                catch (Exception e)
                {
                    Log.LogWarning("Sculpt: could not read the versions of " + libstdcxx + " (" + e.Message + "); libLibTorchSharp.so left as it is.");
                    return true;
                }
            }

            var missing = SafeToWeaken.Where(v => !hostVersions.Contains(v)).ToList();
            if (missing.Count == 0) return true;
            foreach (var item in Files)
            {
                string path = item.ItemSpec;
                try
                {
                    var safe = new List<string>();
                    foreach (string version in missing)
                    {
                        var used = ElfVersionPatcher.SymbolsNeeding(path, version).Where(symbol => !NeverCalled.Contains(symbol)).ToList();
                        if (used.Count == 0) safe.Add(version);
                        else Log.LogWarning("Sculpt: " + path + " needs " + version + " for " + string.Join(", ", used) + ", which this host's libstdc++ lacks; left as it is, so it will not load here. Build on a host with a newer libstdc++ (GCC 13 or later).");
                    }
                    var changed = ElfVersionPatcher.MakeWeak(path, safe);
                    if (changed.Count > 0)
                        Log.LogMessage(MessageImportance.High, "Sculpt: marked " + string.Join(", ", changed) + " weak in " + path + ": this host's libstdc++ lacks it, and libLibTorchSharp.so needs it only for std::ios_base_library_init, which it never calls (README, \"Native backend on older Linux\").");
                }
                catch (Exception e)
                {
                    // A file this task cannot read is left alone: the build must not fail here.
                    Log.LogWarning("Sculpt: could not fix " + path + " for this host's libstdc++: " + e.Message);
                }
            }
            return true;
        }
    }

    /// <summary>
    /// Reads the GNU symbol-version sections of a 64-bit little-endian ELF file and can mark a
    /// needed version as weak (VER_FLG_WEAK), so the dynamic loader accepts a library that lacks it.
    /// </summary>
    /// <remarks>
    /// libLibTorchSharp.so 0.107.0 needs GLIBCXX_3.4.32 only for <c>std::ios_base_library_init</c>,
    /// which GCC 13's &lt;iostream&gt; references but never calls. Older libstdc++ (Debian 12) loads it
    /// fine once that single requirement is weak.
    /// </remarks>
    public static class ElfVersionPatcher
    {
        private const uint SectionTypeVersionNeed = 0x6ffffffe; // SHT_GNU_verneed
        private const uint SectionTypeVersionDefinition = 0x6ffffffd; // SHT_GNU_verdef
        private const uint SectionTypeVersionSymbols = 0x6fffffff; // SHT_GNU_versym
        private const long SymbolEntrySize = 24; // Elf64_Sym
        private const ushort WeakFlag = 0x2; // VER_FLG_WEAK

        /// <summary>A version a file needs: the library it comes from, its name, and where its flags live.</summary>
        public sealed class NeededVersion
        {
            public NeededVersion(string library, string name, ushort flags, long flagsOffset)
            {
                Library = library;
                Name = name;
                Flags = flags;
                FlagsOffset = flagsOffset;
            }

            public string Library { get; }
            public string Name { get; }
            public ushort Flags { get; }
            public long FlagsOffset { get; }
            public bool IsWeak => (Flags & WeakFlag) != 0;
        }

        /// <summary>Versions the file needs from other libraries (.gnu.version_r).</summary>
        public static List<NeededVersion> ReadNeededVersions(string path)
        {
            var bytes = File.ReadAllBytes(path);
            var result = new List<NeededVersion>();
            foreach (var section in Sections(bytes, path))
            {
                if (section.Type != SectionTypeVersionNeed) continue;
                var strings = SectionAt(bytes, path, section.Link);
                long entry = section.Offset;
                for (uint i = 0; i < section.Info; i++)
                {
                    ushort count = U16(bytes, entry + 2);
                    string library = CString(bytes, strings.Offset + U32(bytes, entry + 4));
                    long aux = entry + U32(bytes, entry + 8);
                    for (int j = 0; j < count; j++)
                    {
                        string name = CString(bytes, strings.Offset + U32(bytes, aux + 8));
                        result.Add(new NeededVersion(library, name, U16(bytes, aux + 4), aux + 4));
                        uint nextAux = U32(bytes, aux + 12);
                        if (nextAux == 0) break;
                        aux += nextAux;
                    }
                    uint next = U32(bytes, entry + 12);
                    if (next == 0) break;
                    entry += next;
                }
            }
            return result;
        }

        /// <summary>
        /// The dynamic symbols the file binds to <paramref name="version"/> of another library
        /// (.gnu.version_r names the version's index, .gnu.version gives each .dynsym entry's).
        /// </summary>
        public static List<string> SymbolsNeeding(string path, string version)
        {
            var bytes = File.ReadAllBytes(path);
            var result = new List<string>();
            int index = -1;
            foreach (var section in Sections(bytes, path))
            {
                if (section.Type != SectionTypeVersionNeed) continue;
                var strings = SectionAt(bytes, path, section.Link);
                long entry = section.Offset;
                for (uint i = 0; i < section.Info && index < 0; i++)
                {
                    ushort count = U16(bytes, entry + 2);
                    long aux = entry + U32(bytes, entry + 8);
                    for (int j = 0; j < count; j++)
                    {
                        if (CString(bytes, strings.Offset + U32(bytes, aux + 8)) == version)
                        {
                            index = U16(bytes, aux + 6);
                            break;
                        }
                        uint nextAux = U32(bytes, aux + 12);
                        if (nextAux == 0) break;
                        aux += nextAux;
                    }
                    uint next = U32(bytes, entry + 12);
                    if (next == 0) break;
                    entry += next;
                }
            }
            if (index < 0) return result;
            foreach (var versions in Sections(bytes, path))
            {
                if (versions.Type != SectionTypeVersionSymbols) continue;
                var symbols = SectionAt(bytes, path, versions.Link);
                var names = SectionAt(bytes, path, symbols.Link);
                for (long i = 0; i < versions.Size / 2; i++)
                {
                    if ((U16(bytes, versions.Offset + 2 * i) & 0x7fff) != index) continue;
                    result.Add(CString(bytes, names.Offset + U32(bytes, symbols.Offset + SymbolEntrySize * i)));
                }
            }
            return result;
        }

        /// <summary>Versions the file defines (.gnu.version_d), e.g. GLIBCXX_3.4.30 for libstdc++.</summary>
        public static HashSet<string> ReadDefinedVersions(string path)
        {
            var bytes = File.ReadAllBytes(path);
            var result = new HashSet<string>(StringComparer.Ordinal);
            foreach (var section in Sections(bytes, path))
            {
                if (section.Type != SectionTypeVersionDefinition) continue;
                var strings = SectionAt(bytes, path, section.Link);
                long entry = section.Offset;
                for (uint i = 0; i < section.Info; i++)
                {
                    long aux = entry + U32(bytes, entry + 12);
                    result.Add(CString(bytes, strings.Offset + U32(bytes, aux)));
                    uint next = U32(bytes, entry + 16);
                    if (next == 0) break;
                    entry += next;
                }
            }
            return result;
        }

        /// <summary>
        /// Marks each needed version named in <paramref name="versions"/> as weak, in place.
        /// Returns the versions that were changed (already-weak ones are left alone).
        /// </summary>
        public static List<string> MakeWeak(string path, ICollection<string> versions)
        {
            var changed = new List<string>();
            var bytes = File.ReadAllBytes(path);
            foreach (var version in ReadNeededVersions(path))
            {
                if (version.IsWeak || !versions.Contains(version.Name)) continue;
                ushort flags = (ushort)(version.Flags | WeakFlag);
                bytes[version.FlagsOffset] = (byte)(flags & 0xff);
                bytes[version.FlagsOffset + 1] = (byte)(flags >> 8);
                changed.Add(version.Name);
            }
            if (changed.Count == 0) return changed;
            // A new file renamed over the old one: when the output holds a hard or symbolic link
            // into the NuGet cache, the cache's copy stays as it was.
            string temporary = path + ".sculpt-tmp";
            File.WriteAllBytes(temporary, bytes);
            File.Delete(path);
            File.Move(temporary, path);
            return changed;
        }

        private struct Section
        {
            public uint Type;
            public long Offset;
            public long Size;
            public uint Link;
            public uint Info;
        }

        private static IEnumerable<Section> Sections(byte[] bytes, string path)
        {
            if (bytes.Length < 64 || bytes[0] != 0x7f || bytes[1] != (byte)'E' || bytes[2] != (byte)'L' || bytes[3] != (byte)'F')
                throw new InvalidDataException(path + " is not an ELF file.");
            if (bytes[4] != 2 || bytes[5] != 1)
                throw new InvalidDataException(path + " is not a 64-bit little-endian ELF file.");
            long table = (long)U64(bytes, 0x28);
            ushort entrySize = U16(bytes, 0x3A);
            ushort count = U16(bytes, 0x3C);
            if (table <= 0 || table + (long)entrySize * count > bytes.Length)
                throw new InvalidDataException(path + " has a section header table outside the file.");
            for (int i = 0; i < count; i++)
            {
                long header = table + (long)i * entrySize;
                yield return new Section
                {
                    Type = U32(bytes, header + 4),
                    Offset = (long)U64(bytes, header + 0x18),
                    Size = (long)U64(bytes, header + 0x20),
                    Link = U32(bytes, header + 0x28),
                    Info = U32(bytes, header + 0x2C),
                };
            }
        }

        private static Section SectionAt(byte[] bytes, string path, uint index)
        {
            int i = 0;
            foreach (var section in Sections(bytes, path))
            {
                if (i++ == index) return section;
            }
            throw new InvalidDataException(path + " links to a missing section " + index + ".");
        }

        private static ushort U16(byte[] b, long o)
        {
            if (o < 0 || o + 2 > b.Length) throw new InvalidDataException("an ELF offset points outside the file");
            return (ushort)(b[o] | b[o + 1] << 8);
        }
        private static uint U32(byte[] b, long o)
        {
            if (o < 0 || o + 4 > b.Length) throw new InvalidDataException("an ELF offset points outside the file");
            return (uint)(b[o] | b[o + 1] << 8 | b[o + 2] << 16 | b[o + 3] << 24);
        }
        private static ulong U64(byte[] b, long o) => U32(b, o) | (ulong)U32(b, o + 4) << 32;

        private static string CString(byte[] b, long o)
        {
            long end = o;
            while (end < b.Length && b[end] != 0) end++;
            return Encoding.ASCII.GetString(b, (int)o, (int)(end - o));
        }
    }
}
