namespace OnnxCd.Runtime.Data;

/// <summary>Writes a file completely or not at all: to a temporary file beside it, then a rename.</summary>
internal static class AtomicFile
{
    public static void WriteAllText(string path, string text)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, text);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Writes each line followed by "\n", streamed: the lines are never held together.</summary>
    public static void WriteAllLines(string path, IEnumerable<string> lines)
    {
        var temporary = path + ".tmp";
        using (var writer = new StreamWriter(temporary))
        {
            foreach (var line in lines)
            {
                writer.Write(line);
                writer.Write('\n');
            }
        }

        File.Move(temporary, path, overwrite: true);
    }

    public static void WriteAllBytes(string path, byte[] bytes)
    {
        var temporary = path + ".tmp";
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, path, overwrite: true);
    }
}
