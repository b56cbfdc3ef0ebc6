namespace OnnxCd.Runtime.Reporting;

/// <summary>Writes a file completely or not at all: to a temporary file beside it, then a rename.</summary>
internal static class AtomicFile
{
    public static void WriteAllText(string path, string text)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, text);
        File.Move(temporary, path, overwrite: true);
    }

    public static void WriteAllBytes(string path, byte[] bytes)
    {
        var temporary = path + ".tmp";
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, path, overwrite: true);
    }
}
